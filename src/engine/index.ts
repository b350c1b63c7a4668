/**
 * @module engine layer: loading a model (Hugging Face folder or GGUF) onto llama.cpp, and the batched
 * step over sequences whose inputs are prompt tokens or embedding vectors.
 */
export { KV_TYPES, type KvType } from "../llama/index.js";
export { checkContextLength, checkKvType, type TrainedContext, trainedContext } from "./context-checks.js";
export { convertCheckpoint, MODEL_QUANTS, type ModelQuant } from "./convert-checkpoint.js";
export { Engine, type EngineConfig } from "./engine.js";
export { EngineError, type EngineErrorCode } from "./errors.js";
export { type DeviceLoad, type FitPlan, type FitRequest, gib, planFit } from "./fit-plan.js";
export { tokenizerFromGguf } from "./gguf-tokenizer.js";
export {
  createEngine,
  type EngineOptions,
  type LoadModelOptions,
  loadModel,
  type RioModel,
} from "./load-model.js";
export { checkMemory, estimateMemory } from "./memory-estimate.js";
export {
  kvBytesPerPosition,
  type ModelFootprint,
  modelFootprint,
  recurrentBytesPerSequence,
  type TensorFootprint,
} from "./model-footprint.js";
export { EXPERT_TENSORS, type PlacementOptions, tensorOverrides } from "./placement.js";
export { PLANNED_QUANTS, type PlannedQuant } from "./planned-types.js";
export type { PrefixCacheOptions, PrefixCacheStats } from "./prefix-cache.js";
export {
  type PrefillOptions,
  type PromptPart,
  Scheduler,
  type SchedulerOptions,
  SequenceLease,
} from "./scheduler.js";
export type { Sequence } from "./sequence.js";
export type {
  EmbeddingInput,
  MediaEmbeddings,
  MediaInput,
  StepInput,
  StepOutput,
  TokenInput,
} from "./step-plan.js";
export { TokenEmbeddings } from "./token-embeddings.js";
