/**
 * @module The tiny vision tower of `make-tiny --vision`: its `vision_config`, the processor files the
 * published Qwen3.5 checkpoints ship (preprocessor_config.json, video_preprocessor_config.json; same keys,
 * small pixel budgets) and seeded values for its `model.visual.*` tensors.
 */
import type { VisionConfig, VisionTensorSpec } from "../vision-config.js";
import { Prng } from "./prng.js";

/**
 * `vision_config` of a tiny tower feeding a text model of width `outHiddenSize`: 2 blocks of width 64 with
 * 4 heads of 16 (ggml's kernels handle head sizes in multiples of 16; M-RoPE needs a multiple of 4) and an
 * 8 x 8 position grid, so a 128 x 128 image uses the table as is and other sizes interpolate it.
 */
export function tinyVisionConfigJson(modelType: string, outHiddenSize: number): Record<string, unknown> {
  return {
    model_type: `${modelType}_vision`,
    deepstack_visual_indexes: [],
    depth: 2,
    hidden_act: "gelu_pytorch_tanh",
    hidden_size: 64,
    in_channels: 3,
    initializer_range: 0.02,
    intermediate_size: 128,
    num_heads: 4,
    num_position_embeddings: 64,
    out_hidden_size: outHiddenSize,
    patch_size: 16,
    spatial_merge_size: 2,
    temporal_patch_size: 2,
  };
}

/** Normalisation of the Qwen3-VL / Qwen3.5 processors: pixels in [0, 1] mapped to [-1, 1]. */
const MEAN_STD = { image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] };

/**
 * preprocessor_config.json as Qwen/Qwen3.5-* ship it (`size` holds pixel budgets: shortest_edge is the
 * least and longest_edge the most pixels per image), with the budget cut from 256² .. 4096² to
 * 64² .. 512² so tiny-model images stay small.
 */
export function tinyPreprocessorConfigJson(v: VisionConfig): Record<string, unknown> {
  return {
    size: { longest_edge: 512 * 512, shortest_edge: 64 * 64 },
    patch_size: v.patch_size,
    temporal_patch_size: v.temporal_patch_size,
    merge_size: v.spatial_merge_size,
    ...MEAN_STD,
    processor_class: "Qwen3VLProcessor",
    image_processor_type: "Qwen2VLImageProcessorFast",
  };
}

/**
 * video_preprocessor_config.json as Qwen/Qwen3.5-* ship it (the budget covers all frames of a video;
 * published 4096 .. 24 Mi pixels, here 64² .. 4 x 512²). Frame rate and frame limits are not in the
 * published file: Qwen3VLVideoProcessor's defaults apply (fps 2, min_frames 4, max_frames 768).
 */
export function tinyVideoPreprocessorConfigJson(v: VisionConfig): Record<string, unknown> {
  return {
    size: { longest_edge: 4 * 512 * 512, shortest_edge: 64 * 64 },
    patch_size: v.patch_size,
    temporal_patch_size: v.temporal_patch_size,
    merge_size: v.spatial_merge_size,
    ...MEAN_STD,
    processor_class: "Qwen3VLProcessor",
    video_processor_type: "Qwen3VLVideoProcessor",
  };
}

/**
 * Seeded values for one vision tensor, scaled so that activations stay O(1) through the tower: matrices
 * (and the patch embedding, a matrix over the 3·2·16·16 pixel values of a patch) are N(0, 1/fan_in), so
 * each sub-layer adds O(1) to the residual stream; the position table is N(0, 0.5²); LayerNorm weights
 * are about 1 and every bias about 0, jittered so that swapped tensors are detectable.
 */
export function initVisionTensor(spec: VisionTensorSpec, seed: number): Float32Array {
  const rng = new Prng(seed, spec.name);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  switch (spec.kind) {
    case "patch_embed":
    case "linear":
      return rng.normals(n, 0, 1 / Math.sqrt(n / spec.shape[0]));
    case "pos_embed":
      return rng.normals(n, 0, 0.5);
    case "layer_norm":
      return rng.normals(n, 1, 0.1);
    case "layer_norm_bias":
    case "bias":
      return rng.normals(n, 0, 0.1);
  }
}
