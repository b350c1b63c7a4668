/**
 * @module The C structs of llama.h, written field for field from the header of llama.cpp release v0.4.0
 * (the one bundled with node-llama-cpp 3.21.1), plus the self-check that proves the loaded library
 * agrees: sizes computed by hand from the header and default values read back from the library.
 * C enums are `int` on every ABI Rio targets.
 */
import koffi, { type TypeObject } from "koffi";
import { LlamaError } from "./errors.js";

/** Which llama.cpp the binding is written for; quoted in every layout error. */
export const BINDING_TARGET = "llama.cpp v0.4.0 from node-llama-cpp 3.21.1";

/** llama_model_params (llama.h). */
export const LlamaModelParams = koffi.struct("llama_model_params", {
  devices: "void *",
  tensor_buft_overrides: "void *",
  n_gpu_layers: "int32_t",
  split_mode: "int",
  load_mode: "int",
  lazy_mode: "int",
  main_gpu: "int32_t",
  tensor_split: "void *",
  progress_callback: "void *",
  progress_callback_user_data: "void *",
  kv_overrides: "void *",
  vocab_only: "bool",
  check_tensors: "bool",
  use_extra_bufts: "bool",
  no_host: "bool",
  no_alloc: "bool",
  load_mtp: "bool",
});

/** llama_model_tensor_buft_override (llama.h): an array of these ends with a NULL pattern. */
export const LlamaTensorBuftOverride = koffi.struct("llama_model_tensor_buft_override", {
  pattern: "void *", // const char *, allocated by placement.ts so it outlives the load call
  buft: "void *",
});

/** llama_context_params (llama.h). */
export const LlamaContextParams = koffi.struct("llama_context_params", {
  n_ctx: "uint32_t",
  n_batch: "uint32_t",
  n_ubatch: "uint32_t",
  n_seq_max: "uint32_t",
  n_rs_seq: "uint32_t",
  n_outputs_max: "uint32_t",
  n_outputs_max_per_seq: "uint32_t",
  n_threads: "int32_t",
  n_threads_batch: "int32_t",
  ctx_type: "int",
  rope_scaling_type: "int",
  pooling_type: "int",
  attention_type: "int",
  flash_attn_type: "int",
  rope_freq_base: "float",
  rope_freq_scale: "float",
  yarn_ext_factor: "float",
  yarn_attn_factor: "float",
  yarn_beta_fast: "float",
  yarn_beta_slow: "float",
  yarn_orig_ctx: "uint32_t",
  defrag_thold: "float",
  cb_eval: "void *",
  cb_eval_user_data: "void *",
  type_k: "int",
  type_v: "int",
  abort_callback: "void *",
  abort_callback_data: "void *",
  embeddings: "bool",
  offload_kqv: "bool",
  no_perf: "bool",
  op_offload: "bool",
  swa_full: "bool",
  kv_unified: "bool",
  samplers: "void *",
  n_samplers: "size_t",
  ctx_other: "void *",
});

/** llama_batch (llama.h); the arrays are allocated by llama_batch_init. */
export const LlamaBatch = koffi.struct("llama_batch", {
  n_tokens: "int32_t",
  token: "void *",
  embd: "void *",
  pos: "void *",
  n_seq_id: "void *",
  seq_id: "void *",
  logits: "void *",
});

/** Plain-object views of the structs above, as koffi decodes them. */
export type ModelParams = Record<string, unknown>;
export type ContextParams = Record<string, unknown>;
export interface Batch {
  n_tokens: number;
  token: unknown;
  embd: unknown;
  pos: unknown;
  n_seq_id: unknown;
  seq_id: unknown;
  logits: unknown;
}

/** ggml_type values used for the KV cache, and GGML_TYPE_COUNT, the size of ggml's type table (ggml.h). */
export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, COUNT: 43 } as const;

/** ggml_threadpool_params (ggml.h); GGML_MAX_N_THREADS = 512. */
export const GgmlThreadpoolParams = koffi.struct("ggml_threadpool_params", {
  cpumask: koffi.array("uint8_t", 512, "Typed"), // bool[512]
  n_threads: "int",
  prio: "int",
  poll: "uint32_t",
  strict_cpu: "bool",
  paused: "bool",
});

/** llama_model_quantize_params (llama.h). */
export const LlamaModelQuantizeParams = koffi.struct("llama_model_quantize_params", {
  nthread: "int32_t",
  ftype: "int",
  output_tensor_type: "int",
  token_embedding_type: "int",
  allow_requantize: "bool",
  quantize_output_tensor: "bool",
  only_copy: "bool",
  pure: "bool",
  keep_split: "bool",
  dry_run: "bool",
  imatrix: "void *",
  kv_overrides: "void *",
  tt_overrides: "void *",
  prune_layers: "void *",
  max_buf_size: "size_t",
});

/** The fields of llama_model_quantize_params Rio sets. */
export type QuantizeParams = { nthread: number; ftype: number } & Record<string, unknown>;

/** llama_token_data_array (llama.h): `data` points at `size` llama_token_data {int32 id; float logit, p}. */
export const LlamaTokenDataArray = koffi.struct("llama_token_data_array", {
  data: "void *",
  size: "size_t",
  selected: "int64_t",
  sorted: "bool",
});

/** ggml_type_traits (ggml.h): a type's block layout and its reference (de)quantisers. */
export const GgmlTypeTraits = koffi.struct("ggml_type_traits", {
  type_name: "const char *",
  blck_size: "int64_t",
  blck_size_interleave: "int64_t",
  type_size: "size_t",
  is_quantized: "bool",
  to_float: "void *",
  from_float_ref: "void *",
});

/** The fields of ggml_threadpool_params Rio reads or sets. */
export type ThreadpoolParams = {
  n_threads: number;
  prio: number;
  poll: number;
  strict_cpu: boolean;
  paused: boolean;
};

/** What ggml_threadpool_params_init(p, 1) writes in v0.4.0 (ggml.c). */
const THREADPOOL_DEFAULTS = { n_threads: 1, prio: 0, poll: 50, strict_cpu: false, paused: false };

/** Sizes on LP64 (x86-64 / arm64 Linux and macOS), counted from the header. */
const EXPECTED_SIZES: [string, TypeObject, number][] = [
  ["llama_model_params", LlamaModelParams, 80],
  ["llama_context_params", LlamaContextParams, 160],
  ["llama_model_tensor_buft_override", LlamaTensorBuftOverride, 16],
  ["llama_batch", LlamaBatch, 56],
  ["ggml_threadpool_params", GgmlThreadpoolParams, 528],
  ["llama_model_quantize_params", LlamaModelQuantizeParams, 64],
  ["ggml_type_traits", GgmlTypeTraits, 56],
  ["llama_token_data_array", LlamaTokenDataArray, 32],
];

/** Defaults set by llama_model_default_params() in v0.4.0 (src/llama-model.cpp). */
const MODEL_DEFAULTS: Record<string, number | boolean | null> = {
  devices: null,
  tensor_buft_overrides: null,
  n_gpu_layers: -1,
  split_mode: 1,
  load_mode: -1,
  lazy_mode: 1,
  main_gpu: 0,
  tensor_split: null,
  progress_callback: null,
  kv_overrides: null,
  vocab_only: false,
  check_tensors: false,
  use_extra_bufts: true,
  no_host: false,
  no_alloc: false,
  load_mtp: false,
};

/** Defaults set by llama_context_default_params() in v0.4.0 (src/llama-context.cpp). */
const CONTEXT_DEFAULTS: Record<string, number | boolean | null> = {
  n_ctx: 512,
  n_batch: 2048,
  n_ubatch: 512,
  n_seq_max: 1,
  n_rs_seq: 0,
  n_outputs_max: 0,
  n_outputs_max_per_seq: 1,
  n_threads: 4,
  n_threads_batch: 4,
  ctx_type: 0,
  rope_scaling_type: -1,
  pooling_type: -1,
  attention_type: -1,
  flash_attn_type: -1,
  rope_freq_base: 0,
  rope_freq_scale: 0,
  yarn_ext_factor: -1,
  yarn_attn_factor: -1,
  yarn_beta_fast: -1,
  yarn_beta_slow: -1,
  yarn_orig_ctx: 0,
  defrag_thold: -1,
  cb_eval: null,
  type_k: GGML_TYPE.F16,
  type_v: GGML_TYPE.F16,
  abort_callback: null,
  embeddings: false,
  offload_kqv: true,
  no_perf: true,
  op_offload: true,
  swa_full: true,
  kv_unified: false,
  samplers: null,
  n_samplers: 0,
  ctx_other: null,
};

/** Defaults set by llama_model_quantize_default_params() in v0.4.0 (src/llama-quant.cpp). */
const QUANTIZE_DEFAULTS: Record<string, number | boolean | null> = {
  nthread: 0,
  ftype: 7, // LLAMA_FTYPE_MOSTLY_Q8_0
  output_tensor_type: GGML_TYPE.COUNT, // the ftype's choice
  token_embedding_type: GGML_TYPE.COUNT,
  allow_requantize: false,
  quantize_output_tensor: true,
  only_copy: false,
  pure: false,
  keep_split: false,
  dry_run: false,
  imatrix: null,
  kv_overrides: null,
  tt_overrides: null,
  prune_layers: null,
  max_buf_size: 8 * 1024 ** 3,
};

function mismatch(what: string, expected: unknown, got: unknown): LlamaError {
  return new LlamaError(
    `llama.cpp struct layout mismatch: ${what} expected ${String(expected)} got ${String(got)}; ` +
      `Rio's binding is written for ${BINDING_TARGET}`,
    "layout-mismatch",
  );
}

function checkDefaults(
  struct: string,
  got: Record<string, unknown>,
  expected: Record<string, unknown>,
): void {
  for (const [field, want] of Object.entries(expected)) {
    const value = got[field];
    // A size_t arrives as a number or bigint; a NULL pointer as null.
    const same = typeof value === "bigint" ? value === BigInt(want as number) : value === want;
    if (!same) throw mismatch(`field ${struct}.${field}`, want, value);
  }
}

/**
 * Throws a "layout-mismatch" LlamaError unless the struct sizes and the library's default parameter
 * structs are exactly those of the pinned release.
 */
export function checkLayouts(
  modelDefaults: ModelParams,
  contextDefaults: ContextParams,
  threadpoolDefaults: ThreadpoolParams,
  quantizeDefaults: QuantizeParams,
): void {
  for (const [name, type, size] of EXPECTED_SIZES) {
    const got = koffi.sizeof(type);
    if (got !== size) throw mismatch(`sizeof(${name})`, size, got);
  }
  checkDefaults("llama_model_params", modelDefaults, MODEL_DEFAULTS);
  checkDefaults("llama_context_params", contextDefaults, CONTEXT_DEFAULTS);
  checkDefaults("ggml_threadpool_params", threadpoolDefaults, THREADPOOL_DEFAULTS);
  checkDefaults("llama_model_quantize_params", quantizeDefaults, QUANTIZE_DEFAULTS);
}
