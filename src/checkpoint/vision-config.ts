import * as path from "node:path";
import { z } from "zod";
import { CheckpointError } from "./errors.js";
import { readJsonFile } from "./read-json.js";

/** `vision_config` of a Qwen3.5 / Qwen3-VL checkpoint, with HF's defaults applied. */
export interface VisionConfig {
  model_type?: string;
  depth: number;
  hidden_size: number;
  hidden_act: string;
  intermediate_size: number;
  num_heads: number;
  in_channels: number;
  patch_size: number;
  spatial_merge_size: number;
  temporal_patch_size: number;
  /** width of the merged tokens handed to the text model: its hidden_size */
  out_hidden_size: number;
  /** size of the learned position grid (side * side), interpolated to each image's patch grid */
  num_position_embeddings: number;
  /** Qwen3-VL's deepstack layers; [] (or absent) for Qwen3.5 */
  deepstack_visual_indexes: number[];
}

const posInt = z.number().int().positive();
// a tower of no blocks is a valid (test) shape: patch embedding, position table and merger only
const count = z.number().int().nonnegative();

// Required fields have no HF default worth trusting for a converter; the rest take transformers' defaults.
const schema = z.looseObject({
  model_type: z.string().optional(),
  depth: count,
  hidden_size: posInt,
  hidden_act: z.string().default("gelu_pytorch_tanh"),
  intermediate_size: posInt,
  num_heads: posInt,
  in_channels: posInt.default(3),
  patch_size: posInt,
  spatial_merge_size: posInt.default(2),
  temporal_patch_size: posInt.default(2),
  out_hidden_size: posInt,
  num_position_embeddings: posInt,
  deepstack_visual_indexes: z.array(z.number().int().nonnegative()).default([]),
});

/**
 * Validates `raw` (the `vision_config` object); `file` is used in error messages.
 * @throws CheckpointError naming `vision_config.<field>` and what was expected.
 */
export function parseVisionConfig(raw: unknown, file: string): VisionConfig {
  const fail = (field: string, msg: string): never => {
    throw new CheckpointError(
      `${file}: field "vision_config.${field}": ${msg}`,
      file,
      `vision_config.${field}`,
    );
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("(root)", "expected a JSON object");
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".");
    const got = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], raw);
    const expectation = issue.message.replace(/^Invalid (input|option): /, "").replace(/, received \w+$/, "");
    fail(field, `${expectation} (${got === undefined ? "missing" : `got ${JSON.stringify(got)}`})`);
  }
  const c = parsed.data as VisionConfig;
  if (c.hidden_size % c.num_heads !== 0)
    fail("num_heads", `${c.num_heads} does not divide hidden_size ${c.hidden_size}`);
  const side = Math.round(Math.sqrt(c.num_position_embeddings));
  // HF reshapes the position table to a square grid (num_grid_per_side = int(sqrt(n))); so does clip.cpp
  if (side * side !== c.num_position_embeddings)
    fail("num_position_embeddings", `expected a perfect square (got ${c.num_position_embeddings})`);
  for (const [i, layer] of c.deepstack_visual_indexes.entries())
    if (layer >= c.depth) fail(`deepstack_visual_indexes.${i}`, `expected a layer below depth ${c.depth}`);
  return {
    ...(c.model_type === undefined ? {} : { model_type: c.model_type }),
    depth: c.depth,
    hidden_size: c.hidden_size,
    hidden_act: c.hidden_act,
    intermediate_size: c.intermediate_size,
    num_heads: c.num_heads,
    in_channels: c.in_channels,
    patch_size: c.patch_size,
    spatial_merge_size: c.spatial_merge_size,
    temporal_patch_size: c.temporal_patch_size,
    out_hidden_size: c.out_hidden_size,
    num_position_embeddings: c.num_position_embeddings,
    deepstack_visual_indexes: c.deepstack_visual_indexes,
  };
}

/**
 * The validated `vision_config` of `dir/config.json`, or undefined when it has none (a text-only model).
 * @example const vision = loadVisionConfig("models/Qwen3.5-9B"); vision?.depth; // 27
 */
export function loadVisionConfig(dir: string): VisionConfig | undefined {
  const file = path.join(dir, "config.json");
  const raw = readJsonFile(file);
  const vision = (raw as Record<string, unknown> | null)?.vision_config;
  return vision === undefined || vision === null ? undefined : parseVisionConfig(vision, file);
}

/** What a vision tensor is, so writers can initialise it. */
export type VisionTensorKind =
  | "patch_embed"
  | "pos_embed"
  | "linear"
  | "bias"
  | "layer_norm"
  | "layer_norm_bias";

/** One vision tower tensor: HF name (`model.visual.*`), PyTorch shape, kind. */
export interface VisionTensorSpec {
  name: string;
  shape: number[];
  kind: VisionTensorKind;
}

/** Prefix of the vision tower's tensors in Qwen3.5 checkpoints (`visual.` in some exports). */
export const VISUAL_PREFIX = "model.visual.";

/**
 * The tensors of the vision tower `c` (transformers' Qwen3VLVisionModel less deepstack mergers), in
 * model order: Conv3d patch embedding, learned position table, `depth` pre-norm ViT blocks, and the
 * patch merger (LayerNorm over each patch, then an MLP over each 2x2 group of patches).
 */
export function visionTensorSpecs(c: VisionConfig): VisionTensorSpec[] {
  const p = VISUAL_PREFIX;
  const h = c.hidden_size;
  const merged = h * c.spatial_merge_size ** 2;
  const specs: VisionTensorSpec[] = [];
  const add = (name: string, shape: number[], kind: VisionTensorKind) => specs.push({ name, shape, kind });
  const linear = (name: string, out: number, inp: number) => {
    add(`${name}.weight`, [out, inp], "linear");
    add(`${name}.bias`, [out], "bias");
  };
  const layerNorm = (name: string, width: number) => {
    add(`${name}.weight`, [width], "layer_norm");
    add(`${name}.bias`, [width], "layer_norm_bias");
  };
  add(
    `${p}patch_embed.proj.weight`,
    [h, c.in_channels, c.temporal_patch_size, c.patch_size, c.patch_size],
    "patch_embed",
  );
  add(`${p}patch_embed.proj.bias`, [h], "bias");
  add(`${p}pos_embed.weight`, [c.num_position_embeddings, h], "pos_embed");
  for (let il = 0; il < c.depth; il++) {
    const b = `${p}blocks.${il}`;
    layerNorm(`${b}.norm1`, h);
    linear(`${b}.attn.qkv`, 3 * h, h);
    linear(`${b}.attn.proj`, h, h);
    layerNorm(`${b}.norm2`, h);
    linear(`${b}.mlp.linear_fc1`, c.intermediate_size, h);
    linear(`${b}.mlp.linear_fc2`, h, c.intermediate_size);
  }
  layerNorm(`${p}merger.norm`, h);
  linear(`${p}merger.linear_fc1`, merged, merged);
  linear(`${p}merger.linear_fc2`, c.out_hidden_size, merged);
  return specs;
}
