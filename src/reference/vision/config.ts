/**
 * @module reference/vision/config
 * The two vision configs of a Qwen3.5 checkpoint folder, with HF's field spellings and defaults:
 * `vision_config` in config.json (HF `Qwen3_5VisionConfig`) and preprocessor_config.json (HF
 * `Qwen2VLImageProcessor`, which Qwen3-VL and Qwen3.5 use). Keys that fix a weight's shape are
 * required and fail naming the key; the rest default as HF does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** `vision_config` of Qwen3.5 / Qwen3.5-MoE (the Qwen3-VL tower without deepstack). */
export interface VisionConfig {
  depth: number;
  hidden_size: number;
  /** activation of the blocks' MLP; Qwen3.5: "gelu_pytorch_tanh" (the merger always uses exact GELU) */
  hidden_act: "gelu_pytorch_tanh" | "gelu";
  intermediate_size: number;
  num_heads: number;
  in_channels: number;
  patch_size: number;
  spatial_merge_size: number;
  temporal_patch_size: number;
  /** merger output size, the text model's hidden_size */
  out_hidden_size: number;
  /** learned position table size, a square: sqrt(n) positions per side */
  num_position_embeddings: number;
  /** 2-D rotary base; 10000 in HF's vision rotary embedding and in llama.cpp's qwen3vl graph */
  rope_theta: number;
}

/** preprocessor_config.json fields the image pipeline reads. */
export interface PreprocessorConfig {
  patch_size: number;
  temporal_patch_size: number;
  merge_size: number;
  /** smart_resize bounds on height * width, in pixels */
  min_pixels: number;
  max_pixels: number;
  do_resize: boolean;
  do_rescale: boolean;
  rescale_factor: number;
  do_normalize: boolean;
  image_mean: [number, number, number];
  image_std: [number, number, number];
}

type Raw = Record<string, unknown>;

/** The `vision_config` object of a parsed config.json; `file` names it in errors. */
export function parseVisionConfig(raw: unknown, file: string): VisionConfig {
  const outer = (raw ?? {}) as Raw;
  const v = outer.vision_config as Raw | undefined;
  if (typeof v !== "object" || v === null) throw new Error(`${file}: no "vision_config" object`);
  const int = (key: string, dflt?: number): number => {
    const x = v[key] ?? dflt;
    if (!Number.isInteger(x) || (x as number) < 0) {
      throw new Error(
        `${file}: vision_config.${key} must be a non-negative integer (got ${JSON.stringify(x)})`,
      );
    }
    return x as number;
  };
  const deepstack = v.deepstack_visual_indexes;
  if (Array.isArray(deepstack) && deepstack.length > 0) {
    throw new Error(`${file}: vision_config.deepstack_visual_indexes is not supported (Qwen3.5 has none)`);
  }
  const act = v.hidden_act ?? "gelu_pytorch_tanh";
  if (act !== "gelu_pytorch_tanh" && act !== "gelu") {
    throw new Error(`${file}: vision_config.hidden_act ${JSON.stringify(act)} is not supported`);
  }
  const rope = (v.rope_parameters ?? {}) as Raw;
  const c: VisionConfig = {
    depth: int("depth"),
    hidden_size: int("hidden_size"),
    hidden_act: act,
    intermediate_size: int("intermediate_size"),
    num_heads: int("num_heads"),
    in_channels: int("in_channels", 3),
    patch_size: int("patch_size"),
    spatial_merge_size: int("spatial_merge_size", 2),
    temporal_patch_size: int("temporal_patch_size", 2),
    out_hidden_size: int("out_hidden_size"),
    num_position_embeddings: int("num_position_embeddings"),
    rope_theta: Number(v.rope_theta ?? rope.rope_theta ?? 10000),
  };
  const head = c.hidden_size / c.num_heads;
  if (!Number.isInteger(head) || head % 4 !== 0) {
    throw new Error(
      `${file}: vision head dim hidden_size / num_heads = ${head} must be a multiple of 4 (2-D RoPE)`,
    );
  }
  if (!Number.isInteger(Math.sqrt(c.num_position_embeddings))) {
    throw new Error(
      `${file}: vision_config.num_position_embeddings ${c.num_position_embeddings} is not a square`,
    );
  }
  return c;
}

/** `vision_config` of `dir/config.json`. */
export function loadVisionConfig(dir: string): VisionConfig {
  const file = join(dir, "config.json");
  return parseVisionConfig(readJson(file), file);
}

const OPENAI_CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const OPENAI_CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/**
 * A parsed preprocessor_config.json. The pixel bounds are read as HF does: top-level `min_pixels` /
 * `max_pixels` (the backward-compatible spelling) override `size.shortest_edge` / `size.longest_edge`
 * (Qwen3-VL and Qwen3.5 use `size`), then the older `size.min_pixels` / `size.max_pixels`, then HF's
 * defaults 56 * 56 and 28 * 28 * 1280. Other defaults are `Qwen2VLImageProcessor`'s.
 */
export function parsePreprocessorConfig(raw: unknown, file: string): PreprocessorConfig {
  const p = (raw ?? {}) as Raw;
  const size = (p.size ?? {}) as Raw;
  const num = (key: string, x: unknown): number => {
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0) {
      throw new Error(`${file}: ${key} must be a non-negative number (got ${JSON.stringify(x)})`);
    }
    return x;
  };
  const triple = (key: string, dflt: [number, number, number]): [number, number, number] => {
    const x = p[key] ?? dflt;
    const list = typeof x === "number" ? [x, x, x] : x;
    if (!Array.isArray(list) || list.length !== 3 || list.some((e) => typeof e !== "number")) {
      throw new Error(`${file}: ${key} must be a number or 3 numbers (got ${JSON.stringify(x)})`);
    }
    return list as [number, number, number];
  };
  return {
    patch_size: num("patch_size", p.patch_size ?? 14),
    temporal_patch_size: num("temporal_patch_size", p.temporal_patch_size ?? 2),
    merge_size: num("merge_size", p.merge_size ?? 2),
    min_pixels: num("min_pixels", p.min_pixels ?? size.shortest_edge ?? size.min_pixels ?? 56 * 56),
    max_pixels: num("max_pixels", p.max_pixels ?? size.longest_edge ?? size.max_pixels ?? 28 * 28 * 1280),
    do_resize: p.do_resize !== false,
    do_rescale: p.do_rescale !== false,
    rescale_factor: num("rescale_factor", p.rescale_factor ?? 1 / 255),
    do_normalize: p.do_normalize !== false,
    image_mean: triple("image_mean", OPENAI_CLIP_MEAN),
    image_std: triple("image_std", OPENAI_CLIP_STD),
  };
}

/** `dir/preprocessor_config.json`. */
export function loadPreprocessorConfig(dir: string): PreprocessorConfig {
  const file = join(dir, "preprocessor_config.json");
  return parsePreprocessorConfig(readJson(file), file);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as Error).message})`);
  }
}
