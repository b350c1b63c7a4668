/**
 * @module Where a model's weights go: the placement fields of llama_model_params (GPU layers, split mode,
 * main GPU, tensor split, tensor buffer-type overrides), checked against the devices ggml found and
 * written into the struct. The arrays the struct points at are allocated here and freed after the load,
 * because llama.cpp reads them only while loading (llama_model_loader keeps the pointer, not the model).
 */
import koffi from "koffi";
import { LlamaError } from "./errors.js";
import type { LlamaApi } from "./ffi.js";
import { LlamaTensorBuftOverride, type ModelParams } from "./structs.js";

/** llama_split_mode (llama.h), by the names llama.cpp's `--split-mode` takes. */
export const SPLIT_MODES = { none: 0, layer: 1, row: 2, tensor: 3 } as const;
export type SplitMode = keyof typeof SPLIT_MODES;

/** One tensor buffer-type override: tensors whose name matches `pattern` (a regex) go to `bufferType`. */
export interface TensorOverride {
  /** ECMAScript regex searched in each tensor name (llama.cpp uses std::regex_search), e.g. `\.ffn_.*_exps`. */
  pattern: string;
  /** A buffer type name of a device ggml found, e.g. "CPU", "CUDA0", "RPC0[127.0.0.1:50052]". */
  bufferType: string;
}

/** Placement of a model's weights over the devices (the fields of llama_model_params). */
export interface ModelPlacement {
  /** Layers offloaded to GPUs: -1 all (default when a GPU device exists), 0 none. */
  gpuLayers?: number;
  /** How layers are spread over several GPUs (llama.cpp default "layer"). */
  splitMode?: SplitMode;
  /** The GPU (index among GPU devices) used for the whole model with splitMode "none". */
  mainGpu?: number;
  /** Proportion of the model per GPU, e.g. [3, 1]; at most llama_max_devices() entries. */
  tensorSplit?: number[];
  /** Buffer-type overrides, first match wins (as llama.cpp's `--override-tensor`). */
  overrides?: TensorOverride[];
}

/** A ggml device as the placement code needs it. */
export interface PlacementDevice {
  name: string;
  type: string;
  bufferType: string;
  handle: unknown;
}

const bad = (what: string) => new LlamaError(`model placement: ${what}`, "invalid-argument");

/**
 * Checks `placement` against `devices` and writes it into `params`; returns the function that frees the
 * memory the struct now points at (call it after llama_model_load_from_file returns).
 */
export function applyPlacement(
  api: LlamaApi,
  params: ModelParams,
  placement: ModelPlacement,
  devices: PlacementDevice[],
): () => void {
  const gpus = devices.filter((d) => d.type === "gpu" || d.type === "igpu");
  const allocations: unknown[] = [];
  const free = () => {
    for (const a of allocations) koffi.free(a);
  };
  try {
    if (placement.gpuLayers !== undefined) {
      if (!Number.isInteger(placement.gpuLayers) || placement.gpuLayers < -1)
        throw bad(`gpuLayers = ${placement.gpuLayers}; expected -1 (all), 0 or a layer count`);
      params.n_gpu_layers = placement.gpuLayers;
    }
    if (placement.splitMode !== undefined) {
      if (!(placement.splitMode in SPLIT_MODES))
        throw bad(
          `splitMode = ${placement.splitMode}; expected one of ${Object.keys(SPLIT_MODES).join(", ")}`,
        );
      params.split_mode = SPLIT_MODES[placement.splitMode];
    }
    if (placement.mainGpu !== undefined) {
      const m = placement.mainGpu;
      if (!Number.isInteger(m) || m < 0 || (m > 0 && m >= gpus.length))
        throw bad(`mainGpu = ${m}; this machine has ${gpus.length} GPU device(s)`);
      params.main_gpu = m;
    }
    if (placement.tensorSplit !== undefined) {
      params.tensor_split = tensorSplit(api, placement.tensorSplit, gpus.length, allocations);
    }
    if (placement.overrides?.length) {
      params.tensor_buft_overrides = overrideArray(api, placement.overrides, devices, allocations);
    }
  } catch (e) {
    free();
    throw e;
  }
  return free;
}

function tensorSplit(api: LlamaApi, split: number[], gpuCount: number, allocations: unknown[]): unknown {
  const max = Number(api.llama_max_devices());
  if (split.length === 0 || split.length > max)
    throw bad(`tensorSplit has ${split.length} entries; expected 1..${max} (llama_max_devices)`);
  if (split.some((v) => !Number.isFinite(v) || v < 0) || !split.some((v) => v > 0))
    throw bad(
      `tensorSplit = [${split.join(", ")}]; expected non-negative proportions, at least one positive`,
    );
  if (split.length > Math.max(gpuCount, 1))
    throw bad(`tensorSplit has ${split.length} entries but this machine has ${gpuCount} GPU device(s)`);
  // llama.cpp reads llama_max_devices() floats
  const ptr = koffi.alloc("float", max);
  allocations.push(ptr);
  koffi.encode(ptr, koffi.array("float", max), [...split, ...new Array(max - split.length).fill(0)]);
  return ptr;
}

function overrideArray(
  api: LlamaApi,
  overrides: TensorOverride[],
  devices: PlacementDevice[],
  allocations: unknown[],
): unknown {
  const max = Number(api.llama_max_tensor_buft_overrides());
  if (overrides.length > max)
    throw bad(`${overrides.length} tensor overrides; llama.cpp takes at most ${max}`);
  const entries = overrides.map(({ pattern, bufferType }) => {
    const device = devices.find((d) => d.bufferType === bufferType || d.name === bufferType);
    if (!device)
      throw bad(
        `override ${JSON.stringify(pattern)}: no buffer type ${JSON.stringify(bufferType)}; ` +
          `this machine has ${devices.map((d) => d.bufferType).join(", ")}`,
      );
    const bytes = Buffer.from(`${pattern}\0`, "utf8");
    const text = koffi.alloc("uint8_t", bytes.length);
    allocations.push(text);
    koffi.encode(text, koffi.array("uint8_t", bytes.length), Array.from(bytes));
    return { pattern: text, buft: api.ggml_backend_dev_buffer_type(device.handle) };
  });
  const n = entries.length + 1; // NULL-pattern terminator
  const array = koffi.alloc(LlamaTensorBuftOverride, n);
  allocations.push(array);
  koffi.encode(array, koffi.array(LlamaTensorBuftOverride, n), [...entries, { pattern: null, buft: null }]);
  return array;
}
