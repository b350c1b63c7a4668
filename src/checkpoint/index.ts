/**
 * @module checkpoint layer: Hugging Face configs and safetensors folders, tiny test models, and
 * (in gguf/, quant/, convert/) GGUF files and quantisation.
 */
export { rioCacheRoot } from "./cache-dir.js";
export { type Checkpoint, canonicalTensorName, openCheckpoint } from "./checkpoint.js";
export { loadTextConfig, parseTextConfig } from "./config.js";
export * from "./convert/index.js";
export { CheckpointError } from "./errors.js";
export {
  bf16BitsToF32,
  bf16ToF32,
  f16BitsToF32,
  f16ToF32,
  f32ToBf16,
  f32ToBf16Bits,
  f32ToF16,
  f32ToF16Bits,
} from "./float-convert.js";
export * from "./gguf/index.js";
export {
  loadPreprocessorConfig,
  type PreprocessorConfig,
  parsePreprocessorConfig,
} from "./preprocessor-config.js";
export * from "./quant/index.js";
export type { RopeScaling } from "./rope-scaling.js";
export { DTYPE_BYTES, elementCount, type FloatDtype, type TensorInfo } from "./safetensors-format.js";
export { SafetensorsFile } from "./safetensors-read.js";
export { type TensorToWrite, writeSafetensors } from "./safetensors-write.js";
export { expectedTensors, type TensorKind, type TensorSpec } from "./tensor-specs.js";
export { isMoeLayer, type LayerType, MODEL_TYPES, type ModelType, type TextConfig } from "./text-config.js";
export { type MakeTinyOptions, makeTinyModel } from "./tiny/make-tiny.js";
export { SHAPE_PRESETS, type ShapePreset, type TinyShape } from "./tiny/tiny-config.js";
export {
  loadVisionConfig,
  parseVisionConfig,
  VISUAL_PREFIX,
  type VisionConfig,
  type VisionTensorKind,
  type VisionTensorSpec,
  visionTensorSpecs,
} from "./vision-config.js";
