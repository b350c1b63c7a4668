/**
 * @module HF checkpoint -> mmproj GGUF: the vision tower of a multimodal checkpoint as llama.cpp's
 * `convert_hf_to_gguf.py --mmproj` writes it (general.architecture "clip", read by libmtmd's clip.cpp).
 * The per-architecture rules (qwen3_vl_vision.ts) give names, hyper-parameters and checks; this file
 * holds what llama.cpp's MmprojModel base class does for every tower: which files it reads, the general.*
 * keys, and which tensors stay F32.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { openCheckpoint } from "../checkpoint.js";
import { CheckpointError } from "../errors.js";
import { GgmlType, type GgufKv, writeGguf } from "../gguf/index.js";
import type { SupportedType } from "../quant/index.js";
import type { ModelType, TextConfig } from "../text-config.js";
import { loadVisionConfig, type VisionConfig } from "../vision-config.js";
import { planToGguf } from "./convert.js";
import { str, u32 } from "./kv.js";
import type { TensorPlan, TensorSource } from "./plan.js";
import {
  checkQwen3VlVision,
  qwen3VlVisionMetadata,
  qwen3VlVisionTensors,
  visualName,
} from "./qwen3_vl_vision.js";

/** Tensor type of an mmproj's matrices. */
export type MmprojType = "f32" | "f16";

export interface ConvertMmprojOptions {
  /** default f16, as llama.cpp's mmproj releases */
  type?: MmprojType;
  /** called after each tensor is written: (tensors done, tensors total) */
  onProgress?: (done: number, total: number) => void;
}

/** The image normalisation of the checkpoint's processor. */
export interface ImageNormalisation {
  image_mean: number[];
  image_std: number[];
}

interface MmprojRules {
  check(v: VisionConfig, text: TextConfig, file: string): void;
  metadata(v: VisionConfig, text: TextConfig, pre: ImageNormalisation): GgufKv[];
  tensors(src: TensorSource, v: VisionConfig): TensorPlan[];
}

const QWEN3_VL_VISION: MmprojRules = {
  check: checkQwen3VlVision,
  metadata: qwen3VlVisionMetadata,
  tensors: qwen3VlVisionTensors,
};

/** Vision tower rules by the text model_type of the checkpoint (llama.cpp registers by architecture). */
const RULES: Partial<Record<ModelType, MmprojRules>> = {
  qwen3_5: QWEN3_VL_VISION,
  qwen3_5_moe: QWEN3_VL_VISION,
};

/** general.file_type (llama_ftype) of each mmproj type: ALL_F32 0, MOSTLY_F16 1. */
const FILE_TYPE: Record<MmprojType, number> = { f32: 0, f16: 1 };

/**
 * The ggml type of mmproj tensor `name` (conversion/base.py prepare_tensors): the patch embedding takes
 * F16 only in an F16 file, F32 otherwise (MmprojModel.tensor_force_quant, base.py:2563-2566); 1-D tensors
 * and `*_norm.weight` are F32 (base.py:935); so are the position embeddings (V_ENC_EMBD_POS, base.py:958)
 * and anything not named `.weight` (base.py:970); the other matrices take the file's type.
 */
export function mmprojTensorType(type: MmprojType, shape: number[], name: string): SupportedType {
  const target = type === "f16" ? GgmlType.F16 : GgmlType.F32;
  if (name.includes(".patch_embd.weight")) return target;
  if (shape.length <= 1 || name.endsWith("_norm.weight")) return GgmlType.F32;
  if (name === "v.position_embd.weight" || !name.endsWith(".weight")) return GgmlType.F32;
  return target;
}

/** Whether `dir` holds a vision tower: a `vision_config` in config.json and `model.visual.*` (or `visual.*`) tensors. */
export function hasVisionTower(dir: string): boolean {
  const file = path.join(dir, "config.json");
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return false;
  }
  const vision = (raw as Record<string, unknown> | null)?.vision_config;
  if (typeof vision !== "object" || vision === null) return false;
  const ckpt = openCheckpoint(dir);
  try {
    return ckpt.tensorNames().some((name) => visualName(name) !== undefined);
  } finally {
    ckpt.close();
  }
}

/** Where `rio convert` puts the mmproj of text GGUF `textGguf`: `x.gguf` -> `x.mmproj.gguf`. */
export function mmprojPathFor(textGguf: string): string {
  return `${textGguf.replace(/\.gguf$/i, "")}.mmproj.gguf`;
}

/**
 * Image normalisation from preprocessor_config.json, overridden by processor_config.json, as
 * MmprojModel.__init__ merges them (base.py:2445-2474: `media_proc_cfg` and `image_processor` lifted to
 * the top level).
 */
export function readImageNormalisation(dir: string): ImageNormalisation {
  let merged: Record<string, unknown> = {};
  const files: string[] = [];
  for (const [name, nested] of [
    ["preprocessor_config.json", "media_proc_cfg"],
    ["processor_config.json", "image_processor"],
  ] as const) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    let cfg: Record<string, unknown>;
    try {
      cfg = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
      throw new CheckpointError(`${file}: cannot read (${(err as Error).message})`, file);
    }
    const inner = cfg?.[nested];
    merged = { ...merged, ...cfg, ...(typeof inner === "object" && inner !== null ? inner : {}) };
    files.push(file);
  }
  const where = files.length > 0 ? files.join(" + ") : path.join(dir, "preprocessor_config.json");
  const values = (field: "image_mean" | "image_std"): number[] => {
    const v = merged[field];
    // clip.cpp needs at least the three RGB values (clip.cpp load_hparams)
    if (!Array.isArray(v) || v.length < 3 || !v.every((x) => typeof x === "number" && Number.isFinite(x)))
      throw new CheckpointError(
        `${where}: field "${field}": expected an array of 3 numbers (${v === undefined ? (files.length > 0 ? "missing" : "no such file") : `got ${JSON.stringify(v)}`})`,
        where,
        field,
      );
    return v;
  };
  return { image_mean: values("image_mean"), image_std: values("image_std") };
}

/**
 * Converts the vision tower of checkpoint folder `checkpointDir` into the mmproj GGUF `outPath`
 * (overwritten), holding one tensor in memory at a time.
 * @throws CheckpointError when the checkpoint has no vision tower, or a field or tensor is missing or wrong.
 * @example convertMmproj("models/Qwen3.5-9B", "qwen3.5-9b.mmproj.gguf", { type: "f16" });
 */
export function convertMmproj(checkpointDir: string, outPath: string, opts: ConvertMmprojOptions = {}): void {
  const type = opts.type ?? "f16";
  const configFile = path.join(checkpointDir, "config.json");
  const vision = loadVisionConfig(checkpointDir);
  if (!vision)
    throw new CheckpointError(
      `${configFile}: no vision_config: this checkpoint has no vision tower, so it has no mmproj`,
      configFile,
      "vision_config",
    );
  const ckpt = openCheckpoint(checkpointDir);
  try {
    const text = ckpt.config;
    const rules = RULES[text.model_type];
    if (!rules)
      throw new CheckpointError(
        `${configFile}: model_type ${text.model_type} has no mmproj conversion rules (Rio converts the vision towers of qwen3_5 and qwen3_5_moe)`,
        configFile,
        "model_type",
      );
    if (!ckpt.tensorNames().some((name) => visualName(name) !== undefined))
      throw new CheckpointError(
        `${checkpointDir}: config.json has a vision_config but the weights hold no model.visual.* tensors (a text-only export): there is no vision tower to convert`,
        checkpointDir,
        "model.visual",
      );
    rules.check(vision, text, configFile);
    const pre = readImageNormalisation(checkpointDir);
    const tensors = rules
      .tensors(ckpt, vision)
      .map((plan) => planToGguf(checkpointDir, plan, mmprojTensorType(type, plan.shape, plan.name)));
    const metadata: GgufKv[] = [
      str("general.architecture", "clip"), // MODEL_ARCH.MMPROJ, "dummy arch for clip.cpp"
      str("general.type", "mmproj"), // MmprojModel.set_type
      str("general.name", path.basename(path.resolve(checkpointDir))),
      u32("general.file_type", FILE_TYPE[type]),
      ...rules.metadata(vision, text, pre),
      u32("general.quantization_version", 2), // GGML_QNT_VERSION
    ];
    writeGguf(outPath, { metadata, tensors }, opts.onProgress);
  } finally {
    ckpt.close();
  }
}
