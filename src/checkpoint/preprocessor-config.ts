import { join } from "node:path";
import { CheckpointError } from "./errors.js";
import { readJsonFile } from "./read-json.js";

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
      throw new CheckpointError(
        `${file}: ${key} must be a non-negative number (got ${JSON.stringify(x)})`,
        file,
        key,
      );
    }
    return x;
  };
  const triple = (key: string, dflt: [number, number, number]): [number, number, number] => {
    const x = p[key] ?? dflt;
    const list = typeof x === "number" ? [x, x, x] : x;
    if (!Array.isArray(list) || list.length !== 3 || list.some((e) => typeof e !== "number")) {
      throw new CheckpointError(
        `${file}: ${key} must be a number or 3 numbers (got ${JSON.stringify(x)})`,
        file,
        key,
      );
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
  return parsePreprocessorConfig(readJsonFile(file), file);
}
