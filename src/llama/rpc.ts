/**
 * @module llama.cpp's RPC backend inside this process, through ggml's backend registry: the backend
 * module (libggml-rpc.so, built separately as a dynamic backend: rpc/ builds it) is loaded with
 * ggml_backend_load, which registers the "RPC" backend; its proc-address table then gives
 * ggml_backend_rpc_add_server (a server's devices, registered with ggml_backend_register, become devices
 * llama.cpp offloads layers to, first in the list) and ggml_backend_rpc_start_server (serve this
 * machine's devices). This is exactly what llama.cpp's common `--rpc` and tools/rpc/rpc-server.cpp do.
 *
 * ggml-rpc aborts the whole process (GGML_ABORT, ggml-rpc.cpp RPC_STATUS_ASSERT and
 * ggml_backend_rpc_get_device_count's connect) when a server cannot be reached or drops a connection, so
 * callers check reachability first (rpc/endpoints.ts) and a process using remote devices should be one a
 * supervisor can restart.
 */
import koffi from "koffi";
import { LlamaError } from "./errors.js";
import type { LlamaApi } from "./ffi.js";

const AddServer = koffi.proto("void *rio_ggml_backend_rpc_add_server(const char *endpoint)");
const StartServer = koffi.proto(
  "void rio_ggml_backend_rpc_start_server(const char *endpoint, const char *cache_dir, size_t n_threads, size_t n_devices, void **devices)",
);

/** The "RPC" backend registration, loading `modulePath` the first time. */
function rpcRegistry(api: LlamaApi, modulePath: string): unknown {
  const existing = api.ggml_backend_reg_by_name("RPC");
  if (existing) return existing;
  const reg = api.ggml_backend_load(modulePath);
  if (!reg)
    throw new LlamaError(
      `ggml could not load the RPC backend ${modulePath} (RIO_LLAMA_LOG=1 shows why)`,
      "library-not-found",
      modulePath,
    );
  return reg;
}

function procAddress(api: LlamaApi, reg: unknown, name: string): unknown {
  const fn = api.ggml_backend_reg_get_proc_address(reg, name);
  if (!fn) throw new LlamaError(`the RPC backend has no ${name}`, "library-not-found");
  return fn;
}

/**
 * Registers the devices of the RPC server at `endpoint` (host:port, already checked reachable); returns
 * how many it has.
 */
export function addRpcServer(api: LlamaApi, modulePath: string, endpoint: string): number {
  const reg = rpcRegistry(api, modulePath);
  const addServer = koffi.decode(procAddress(api, reg, "ggml_backend_rpc_add_server"), AddServer) as (
    endpoint: string,
  ) => unknown;
  const serverReg = addServer(endpoint);
  if (!serverReg)
    throw new LlamaError(`the RPC server at ${endpoint} reports no devices`, "invalid-argument", endpoint);
  api.ggml_backend_register(serverReg);
  return Number(api.ggml_backend_reg_dev_count(serverReg));
}

/**
 * Serves `devices` (native device handles) at `endpoint` until the process ends; resolves only if the
 * server stops. Runs on a koffi worker thread so the event loop still handles signals.
 */
export function startRpcServer(
  api: LlamaApi,
  modulePath: string,
  endpoint: string,
  opts: { threads: number; cacheDir: string | null; devices: unknown[] },
): Promise<void> {
  const reg = rpcRegistry(api, modulePath);
  const start = koffi.decode(procAddress(api, reg, "ggml_backend_rpc_start_server"), StartServer) as {
    async: (...args: unknown[]) => void;
  };
  return new Promise((resolve, reject) => {
    start.async(endpoint, opts.cacheDir, opts.threads, opts.devices.length, opts.devices, (err: unknown) =>
      err ? reject(err) : resolve(),
    );
  });
}
