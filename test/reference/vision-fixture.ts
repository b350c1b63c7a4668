/**
 * A tiny seeded Qwen3.5 checkpoint with a vision tower, written with HF's tensor names (config.json with
 * text_config + vision_config, preprocessor_config.json, one model.safetensors), and numpy-style
 * helpers that replay HF's reshape/transpose code literally, so tests check the reference's index
 * arithmetic against HF's array operations rather than against itself.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Checkpoint } from "../../src/checkpoint/index.js";
import { random } from "./numeric.js";
import { randomTensors, type Tensor, tinyConfig, writeCheckpoint } from "./tiny-checkpoint.js";

/** Vision tower dims: hidden 16 in 2 heads of 8, patch 4, merge 2 (factor 8), 4 x 4 position table. */
export const VISION = {
  depth: 2,
  hidden_size: 16,
  hidden_act: "gelu_pytorch_tanh",
  intermediate_size: 24,
  num_heads: 2,
  in_channels: 3,
  patch_size: 4,
  spatial_merge_size: 2,
  temporal_patch_size: 2,
  out_hidden_size: 32, // the tiny text hidden_size
  num_position_embeddings: 16,
  deepstack_visual_indexes: [],
};

export const PREPROCESSOR = {
  size: { shortest_edge: 64, longest_edge: 64 * 64 },
  patch_size: 4,
  temporal_patch_size: 2,
  merge_size: 2,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
  image_processor_type: "Qwen2VLImageProcessorFast",
};

/** The raw config.json of a Qwen3.5 checkpoint with the tiny text model and `vision` tower. */
export function visionConfig(vision: Record<string, unknown> = VISION): Record<string, unknown> {
  const { model_type: _, ...text } = tinyConfig("qwen3_5");
  return {
    model_type: "qwen3_5",
    architectures: ["Qwen3_5ForConditionalGeneration"],
    text_config: { ...text, model_type: "qwen3_5_text" },
    vision_config: { ...vision, model_type: "qwen3_5_vision" },
  };
}

/** Random text + vision tensors (HF names, `model.visual.*`), scaled so activations stay O(1). */
export function visionTensors(raw: Record<string, unknown>, seed = 7): Map<string, Tensor> {
  const tensors = randomTensors(raw, seed);
  const v = raw.vision_config as typeof VISION;
  const rnd = random(seed + 100);
  const h = v.hidden_size;
  const patch = v.in_channels * v.temporal_patch_size * v.patch_size ** 2;
  const wide = h * v.spatial_merge_size ** 2;
  const put = (name: string, shape: number[], value: () => number) =>
    tensors.set(`model.visual.${name}`, {
      shape,
      data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, value),
    });
  const linear = (name: string, out: number, inp: number) => {
    put(`${name}.weight`, [out, inp], () => (1.5 * rnd()) / Math.sqrt(inp));
    put(`${name}.bias`, [out], () => 0.1 * rnd());
  };
  const norm = (name: string, n: number) => {
    put(`${name}.weight`, [n], () => 1 + 0.25 * rnd());
    put(`${name}.bias`, [n], () => 0.1 * rnd());
  };
  put(
    "patch_embed.proj.weight",
    [h, v.in_channels, v.temporal_patch_size, v.patch_size, v.patch_size],
    () => (1.5 * rnd()) / Math.sqrt(patch),
  );
  put("patch_embed.proj.bias", [h], () => 0.1 * rnd());
  put("pos_embed.weight", [v.num_position_embeddings, h], () => 0.5 * rnd());
  for (let il = 0; il < v.depth; il++) {
    norm(`blocks.${il}.norm1`, h);
    norm(`blocks.${il}.norm2`, h);
    linear(`blocks.${il}.attn.qkv`, 3 * h, h);
    linear(`blocks.${il}.attn.proj`, h, h);
    linear(`blocks.${il}.mlp.linear_fc1`, v.intermediate_size, h);
    linear(`blocks.${il}.mlp.linear_fc2`, h, v.intermediate_size);
  }
  norm("merger.norm", h);
  linear("merger.linear_fc1", wide, wide);
  linear("merger.linear_fc2", v.out_hidden_size, wide);
  return tensors;
}

/** Writes the checkpoint (plus preprocessor_config.json) and opens it; close() deletes it. */
export function visionCheckpoint(
  raw: Record<string, unknown> = visionConfig(),
  tensors: Map<string, Tensor> = visionTensors(raw),
  preprocessor: Record<string, unknown> = PREPROCESSOR,
): Checkpoint {
  const ckpt = writeCheckpoint(raw, tensors);
  writeFileSync(join(ckpt.dir, "preprocessor_config.json"), JSON.stringify(preprocessor));
  return ckpt;
}

/** numpy `a.reshape(shape).transpose(axes)` flattened again: the element order HF's code produces. */
export function transposeNd<T>(flat: readonly T[], shape: readonly number[], axes: readonly number[]): T[] {
  const n = shape.length;
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const outShape = axes.map((a) => shape[a]);
  const out: T[] = [];
  const idx = new Array<number>(n).fill(0);
  for (let k = 0; k < flat.length; k++) {
    out.push(flat[axes.reduce((s, a, i) => s + idx[i] * strides[a], 0)]);
    for (let d = n - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}
