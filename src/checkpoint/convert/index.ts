/**
 * @module HF -> GGUF conversion: per-architecture rules, the streaming driver, the vision tower's mmproj,
 * the conversion cache.
 */
export { type ConvertOptions, convertToGguf } from "./convert.js";
export {
  checkpointContentHash,
  defaultGgufCacheDir,
  type EnsureGgufOptions,
  ensureGguf,
  ensureModelGguf,
  type ModelGgufs,
} from "./ensure-gguf.js";
export {
  type ConvertMmprojOptions,
  convertMmproj,
  hasVisionTower,
  type ImageNormalisation,
  type MmprojType,
  mmprojPathFor,
  mmprojTensorType,
  readImageNormalisation,
} from "./mmproj.js";
export type { Placement, TensorPlan, TensorSource } from "./plan.js";
export { PRE_TOKENIZER_PATTERNS, preTokenizerName } from "./pre-tokenizer.js";
export { type ConversionRules, conversionRules } from "./rules.js";
export { ggufTensorShapes } from "./shapes.js";
export { FILE_TYPE, QUANTS, type Quant, tensorType } from "./tensor-types.js";
export { TokenType, tokenizerMetadata } from "./tokenizer-metadata.js";
