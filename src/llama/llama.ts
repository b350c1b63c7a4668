/**
 * @module Process-wide llama.cpp setup: locate and load the libraries, load the ggml backends,
 * initialise llama.cpp, check the struct layouts, and load models.
 */
import { existsSync } from "node:fs";
import {
  CPU_VARIANT_ENV,
  type CpuVariant,
  cpuVariants,
  defaultCpuVariant,
  otherBackends,
  pickCpuVariant,
} from "./cpu-variants.js";
import { type GpuPreference, type LibraryLocation, locateLibraries } from "./discovery.js";
import { LlamaError } from "./errors.js";
import { cpuExtraBufferTypes, useExtraBufferTypes } from "./extra-buffers.js";
import { bindLibraries, type LlamaApi } from "./ffi.js";
import { validateGguf } from "./gguf-check.js";
import { installLogFilter } from "./log.js";
import { LlamaModel } from "./model.js";
import { applyPlacement, type ModelPlacement, type PlacementDevice } from "./placement.js";
import { type LlamaQuant, quantizeFile, type RowDequantiser, rowDequantiser } from "./quantize.js";
import { addRpcServer, startRpcServer } from "./rpc.js";
import {
  BINDING_TARGET,
  type ContextParams,
  checkLayouts,
  type ModelParams,
  type QuantizeParams,
  type ThreadpoolParams,
} from "./structs.js";

/** A ggml backend device (ggml_backend_dev_type: 0 CPU, 1 GPU, 2 integrated GPU, 3 accelerator). */
export interface BackendDevice {
  name: string;
  type: "cpu" | "gpu" | "igpu" | "accel" | "meta";
  /** The device's description (e.g. the GPU model, or an RPC server's endpoint). */
  description: string;
  /** Name of the device's buffer type, what a tensor override names (e.g. "CPU", "CUDA0"). */
  bufferType: string;
}

const DEVICE_TYPES: BackendDevice["type"][] = ["cpu", "gpu", "igpu", "accel", "meta"];
/** llama_load_mode (llama.h). */
const LOAD_MODE = { NONE: 0, MMAP: 1 } as const;

/** Options of Llama.loadModel: where the weights go (see ModelPlacement) and how the file is read. */
export interface ModelOptions extends ModelPlacement {
  /** Memory-map the file (default: llama.cpp decides). */
  mmap?: boolean;
}

/** The loaded llama.cpp library. */
export class Llama {
  constructor(
    private readonly api: LlamaApi,
    readonly location: LibraryLocation,
    /** The CPU backend variant in use (undefined for a build without CPU variants). */
    readonly cpuVariant: CpuVariant | undefined,
  ) {}

  /** Backend devices ggml has now (RPC servers added later appear as devices too). */
  get devices(): BackendDevice[] {
    return this.deviceHandles().map(({ handle: _, ...device }) => device);
  }

  private deviceHandles(): (BackendDevice & PlacementDevice)[] {
    const api = this.api;
    const count = Number(api.ggml_backend_dev_count());
    return Array.from({ length: count }, (_, i) => {
      const handle = api.ggml_backend_dev_get(i);
      return {
        name: api.ggml_backend_dev_name(handle) as string,
        type: DEVICE_TYPES[api.ggml_backend_dev_type(handle) as number] ?? "accel",
        description: api.ggml_backend_dev_description(handle) as string,
        bufferType: api.ggml_backend_buft_name(api.ggml_backend_dev_buffer_type(handle)) as string,
        handle,
      };
    });
  }

  /**
   * The CPU backend's extra weight buffer types (e.g. "AMX", "CPU_REPACK"); a Gated DeltaNet hybrid is
   * loaded without them where AMX is one (extra-buffers.ts).
   */
  get cpuExtraBufferTypes(): string[] {
    if (this.extraBufferTypes === undefined) {
      const cpu = this.deviceHandles().find((d) => d.type === "cpu");
      this.extraBufferTypes = cpu ? cpuExtraBufferTypes(this.api, cpu.handle) : [];
    }
    return this.extraBufferTypes;
  }

  private extraBufferTypes: string[] | undefined;

  /** True when a GPU (discrete or integrated) device is available. */
  get hasGpu(): boolean {
    return this.devices.some((d) => d.type === "gpu" || d.type === "igpu");
  }

  /**
   * Adds the devices of llama.cpp RPC servers (host:port each, reachable: ggml aborts the process on one
   * that is not) through the RPC backend module at `modulePath`; models loaded afterwards offload layers
   * to them, RPC devices first. Returns the new devices.
   */
  addRpcServers(modulePath: string, endpoints: string[]): BackendDevice[] {
    const before = new Set(this.devices.map((d) => d.name));
    for (const endpoint of endpoints) addRpcServer(this.api, modulePath, endpoint);
    return this.devices.filter((d) => !before.has(d.name));
  }

  /**
   * Serves this machine's devices to llama.cpp RPC clients at `endpoint` (host:port) as tools/rpc's
   * rpc-server does: the GPUs when there are any, else the CPU. Resolves only if the server stops.
   */
  serveRpc(
    modulePath: string,
    endpoint: string,
    opts: { threads: number; cacheDir?: string },
  ): Promise<void> {
    const local = this.deviceHandles().filter((d) => !d.name.startsWith("RPC"));
    const gpus = local.filter((d) => d.type !== "cpu");
    const devices = (gpus.length > 0 ? gpus : local.filter((d) => d.type === "cpu")).map((d) => d.handle);
    return startRpcServer(this.api, modulePath, endpoint, {
      threads: opts.threads,
      cacheDir: opts.cacheDir ?? null,
      devices,
    });
  }

  /** llama.cpp's description of the CPU features and backends it uses. */
  systemInfo(): string {
    return this.api.llama_print_system_info() as string;
  }

  /**
   * Writes `output`, the GGUF file `input` (F32, F16 or BF16 weights) quantised to `quant` by llama.cpp's
   * own quantiser, which also picks the type of each tensor (as llama-quantize does).
   */
  quantizeModel(input: string, output: string, quant: LlamaQuant, opts: { threads?: number } = {}): void {
    validateGguf(input);
    quantizeFile(this.api, input, output, quant, opts.threads ?? 0);
  }

  /** ggml's own dequantiser of one row of ggml type `type`, for the types Rio does not decode itself. */
  rowDequantiser(type: number): RowDequantiser {
    return rowDequantiser(this.api, type);
  }

  /**
   * Loads a GGUF model. The file is validated in TypeScript first (magic, supported architecture,
   * required keys) because llama.cpp aborts the process on some malformed files.
   */
  loadModel(path: string, opts: ModelOptions = {}): LlamaModel {
    if (!existsSync(path)) throw new LlamaError(`model file ${path} does not exist`, "bad-model-file", path);
    const architecture = validateGguf(path);
    const params = this.api.llama_model_default_params() as ModelParams;
    params.n_gpu_layers = this.hasGpu ? -1 : 0;
    params.use_extra_bufts = useExtraBufferTypes(architecture, this.cpuExtraBufferTypes);
    if (opts.mmap !== undefined) params.load_mode = opts.mmap ? LOAD_MODE.MMAP : LOAD_MODE.NONE;
    const release = applyPlacement(this.api, params, opts, this.deviceHandles());
    let handle: unknown;
    try {
      handle = this.api.llama_model_load_from_file(path, params);
    } finally {
      release();
    }
    if (!handle)
      throw new LlamaError(
        `llama.cpp failed to load model ${path} (RIO_LLAMA_LOG=1 shows its reason)`,
        "model-load-failed",
        path,
      );
    return new LlamaModel(
      this.api,
      handle,
      path,
      () => this.api.llama_context_default_params() as ContextParams,
    );
  }
}

let loaded: Llama | undefined;

/**
 * Loads llama.cpp once per process: finds the library (opts.libDir, env RIO_LLAMA_LIB_DIR, else the
 * installed `@node-llama-cpp/<platform>[-cuda|-vulkan]` package), loads the ggml backends from its
 * folder, initialises llama.cpp and refuses to continue if its structs differ from the binding's.
 * Later calls return the same instance.
 *
 * @example
 * const llama = loadLlama();
 * const model = llama.loadModel("model.gguf");
 * const ctx = model.createContext({ nCtx: 4096, nSeqMax: 4 });
 */
export function loadLlama(opts: { libDir?: string; gpu?: GpuPreference } = {}): Llama {
  if (loaded) {
    if (opts.libDir && opts.libDir !== loaded.location.dir)
      throw new LlamaError(
        `llama.cpp is already loaded from ${loaded.location.dir}; one library per process`,
        "invalid-argument",
      );
    return loaded;
  }
  const location = locateLibraries(opts);
  let api: LlamaApi;
  try {
    api = bindLibraries(location.ggmlPath, location.llamaPath);
  } catch (e) {
    throw new LlamaError(
      `cannot load ${location.llamaPath} (${location.source}) as ${BINDING_TARGET}: ${(e as Error).message}`,
      "library-not-found",
    );
  }
  installLogFilter(api);
  const cpuVariant = loadBackends(api, location);
  api.llama_backend_init();
  const threadpoolDefaults = {} as ThreadpoolParams;
  api.ggml_threadpool_params_init(threadpoolDefaults, 1);
  checkLayouts(
    api.llama_model_default_params() as ModelParams,
    api.llama_context_default_params() as ContextParams,
    threadpoolDefaults,
    api.llama_model_quantize_default_params() as QuantizeParams,
  );
  loaded = new Llama(api, location, cpuVariant);
  return loaded;
}

/**
 * Loads the ggml backends: by default every backend of the build and the CPU variant ggml scores best;
 * with RIO_CPU_VARIANT=NAME the named CPU variant alone (after checking this processor can run it) plus
 * the build's non-CPU backends. Returns the CPU variant in use.
 */
function loadBackends(api: LlamaApi, location: LibraryLocation): CpuVariant | undefined {
  const dirs = location.extDir ? [location.dir, location.extDir] : [location.dir];
  const variants = cpuVariants(location.dir);
  const requested = process.env[CPU_VARIANT_ENV];
  if (!requested) {
    for (const dir of dirs) api.ggml_backend_load_all_from_path(dir);
    return defaultCpuVariant(variants);
  }
  const variant = pickCpuVariant(requested, variants);
  for (const file of otherBackends(dirs)) api.ggml_backend_load(file);
  if (!api.ggml_backend_load(variant.path))
    throw new LlamaError(
      `${CPU_VARIANT_ENV}=${requested}: ggml could not load ${variant.path} (RIO_LLAMA_LOG=1 shows why)`,
      "cpu-variant-unsupported",
    );
  return variant;
}
