/**
 * @module rpc layer: llama.cpp's RPC backend across hosts. `rio rpc-server` serves a machine's devices;
 * `--rpc host:port,…` adds remote servers' devices to this process, so a model's layers are split over
 * them (see llama/rpc.ts for how the separately built backend joins ggml's registry).
 */
import { type BackendDevice, loadLlama } from "../llama/index.js";
import { ensureRpcBackend } from "./build-rpc.js";
import { checkReachable, parseEndpoints } from "./endpoints.js";

export { defaultRpcCacheDir, ensureRpcBackend } from "./build-rpc.js";
export { checkReachable, parseEndpoints } from "./endpoints.js";
export { RpcError } from "./errors.js";

/**
 * Builds (first use) and loads the RPC backend, checks every server answers, and registers their devices.
 * @example const devices = await useRpcServers(["10.0.0.2:50052", "10.0.0.3:50052"]);
 */
export async function useRpcServers(
  endpoints: string[] | string,
  opts: { onProgress?: (m: string) => void } = {},
): Promise<BackendDevice[]> {
  const list = typeof endpoints === "string" ? parseEndpoints(endpoints) : endpoints;
  const module = await ensureRpcBackend(opts);
  await Promise.all(list.map((e) => checkReachable(e)));
  return loadLlama().addRpcServers(module, list);
}

/**
 * Serves this machine's devices (GPUs, else the CPU) at host:port until the process ends.
 * @example await serveRpc({ host: "0.0.0.0", port: 50052, threads: 8 });
 */
export async function serveRpc(opts: {
  host: string;
  port: number;
  threads: number;
  cacheDir?: string;
  onProgress?: (m: string) => void;
}): Promise<void> {
  const module = await ensureRpcBackend({ onProgress: opts.onProgress });
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  await loadLlama().serveRpc(module, `${host}:${opts.port}`, {
    threads: opts.threads,
    cacheDir: opts.cacheDir,
  });
}
