/**
 * @module Rio's binding to llama.cpp (the pinned v0.4.0 release shipped by node-llama-cpp): library
 * discovery, the typed structs, models, contexts and async batched decoding of tokens or embeddings.
 */

export type { EmbeddingBatch, LlamaContext, TokenBatch } from "./context.js";
export { CPU_VARIANT_ENV, type CpuVariant, cpuVariants, pickCpuVariant } from "./cpu-variants.js";
export { type GpuPreference, type LibraryLocation, physicalCores } from "./discovery.js";
export { LlamaError, type LlamaErrorCode } from "./errors.js";
export { type FileMap, mapFileRange } from "./file-map.js";
export { inspectGguf, SUPPORTED_ARCHITECTURES, validateGguf } from "./gguf-check.js";
export type { Grammar } from "./grammar.js";
export { type BackendDevice, Llama, loadLlama, type ModelOptions } from "./llama.js";
export { addLlamaLogListener } from "./log.js";
export {
  type ContextOptions,
  isQuantisedKv,
  KV_TYPE_LAYOUT,
  KV_TYPES,
  type KvType,
  type LlamaModel,
} from "./model.js";
export { type ModelPlacement, SPLIT_MODES, type SplitMode, type TensorOverride } from "./placement.js";
export { isLlamaQuant, LLAMA_QUANTS, type LlamaQuant, type RowDequantiser } from "./quantize.js";
