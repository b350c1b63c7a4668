/**
 * @module reference
 * Float64 reference forward passes of the Qwen3 family, read straight from a Hugging Face checkpoint:
 * the executable spec that the engine (llama.cpp on the converted GGUF) is compared against. Slow and
 * memory-hungry (8 bytes per parameter) by design: for tiny test models only.
 *
 * @example
 * const ref = openReference(openCheckpoint(dir));
 * const cache = ref.newCache();
 * const { logits } = ref.forward({ tokens: [1, 2, 3] }, cache, { capture: ["L0.attn_norm"] });
 *
 * @example
 * // Qwen3.5 with an image: vision embeddings replace the image tokens, at M-RoPE positions
 * const vision = new Qwen3_5VisionReference(ckpt);
 * const { embeddings, gridH, gridW } = vision.encode({ rgb, width, height });
 * const pos = sequencePositions([{ text: 2 }, { image: { gridH, gridW } }, { text: 3 }]);
 * ref.forward({ mixed: [t0, t1, ...embeddings, t2, t3, t4], positions: pos }, ref.newCache());
 */
import type { Checkpoint, ModelType } from "../checkpoint/index.js";
import type { DecoderReference } from "./decoder.js";
import { Qwen3Reference } from "./qwen3.js";
import { Qwen3_5Reference } from "./qwen3_5.js";
import { Qwen3_5MoeReference } from "./qwen3_5_moe.js";
import { Qwen3MoeReference } from "./qwen3_moe.js";

export type { RopePosition } from "./attention.js";
export { KVCache, type LayerCache, LinearAttentionState, ReferenceCache } from "./cache.js";
export type { ForwardOptions, ForwardResult, MRopePositions, ReferenceInput } from "./decoder.js";
export { DecoderReference } from "./decoder.js";
export { type MRopePosition, mrope, mropeRow } from "./ops.js";
export { type RopeConfig, type RopeFrequencies, ropeFrequencies } from "./rope-scaling.js";
export { type TrainHeadOptions, type TrainHeadResult, trainLmHead } from "./train-head.js";
export {
  imagePositions,
  type PositionSegment,
  sequencePositions,
} from "./vision/positions.js";
export {
  normalise,
  type PixelPatches,
  patchCell,
  patchify,
  preprocessImage,
} from "./vision/preprocess.js";
export { Qwen3_5VisionReference, type VisionEncoding } from "./vision/qwen3_5_vision.js";
export { Qwen3_5MoeReference, Qwen3_5Reference, Qwen3MoeReference, Qwen3Reference };

/** model_type -> reference class, one line each. */
export const references: Record<ModelType, new (ckpt: Checkpoint) => DecoderReference> = {
  qwen3: Qwen3Reference,
  qwen3_moe: Qwen3MoeReference,
  qwen3_5: Qwen3_5Reference,
  qwen3_5_moe: Qwen3_5MoeReference,
};

/** The reference for the checkpoint's model_type; an unknown model_type is an error naming it. */
export function openReference(ckpt: Checkpoint): DecoderReference {
  const type = ckpt.config.model_type;
  const Reference = Object.hasOwn(references, type) ? references[type] : undefined;
  if (!Reference) {
    throw new Error(
      `${ckpt.dir}/config.json: model_type "${type}" has no reference; known: ${Object.keys(references).join(", ")}`,
    );
  }
  return new Reference(ckpt);
}
