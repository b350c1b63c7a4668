/**
 * @module The benchmark models: a random Qwen3-0.6B-shaped checkpoint made by make-tiny, converted to
 * Q8_0 and Q4_0, kept in the cache ($RIO_CACHE_DIR/bench, else ~/.cache/rio/bench) between runs.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { convertToGguf, type ModelType, makeTinyModel, type Quant } from "../src/checkpoint/index.js";

/** The Hugging Face folder and GGUF files of one benchmark shape. */
export interface BenchModel {
  dir: string;
  gguf(quant: Quant): string;
}

/** Makes (once) the checkpoint of `arch` with `shape` and its GGUF conversions; logs progress to stderr. */
export function benchModel(
  arch: ModelType,
  shape: "qwen3-0.6b" | null,
  overrides: Record<string, number> = {},
): BenchModel {
  // overrides are named by a short hash: the folder name must stay within file-name limits
  const variant = Object.keys(overrides).length
    ? createHash("sha256").update(JSON.stringify(overrides)).digest("hex").slice(0, 8)
    : "";
  const name = [arch, shape ?? "small", variant].filter(Boolean).join("-");
  const root = path.join(process.env.RIO_CACHE_DIR || path.join(os.homedir(), ".cache", "rio"), "bench");
  const dir = path.join(root, name);
  if (!fs.existsSync(path.join(dir, "config.json"))) {
    process.stderr.write(`bench: writing ${name} checkpoint (once)...\n`);
    fs.rmSync(`${dir}.tmp`, { recursive: true, force: true });
    makeTinyModel({ arch, out: `${dir}.tmp`, seed: 1, shape: shape ?? undefined, overrides });
    fs.renameSync(`${dir}.tmp`, dir);
  }
  return {
    dir,
    gguf(quant) {
      const file = path.join(root, `${name}-${quant}.gguf`);
      if (!fs.existsSync(file)) {
        process.stderr.write(`bench: converting ${name} to ${quant} (once)...\n`);
        convertToGguf(dir, `${file}.tmp`, { quant });
        fs.renameSync(`${file}.tmp`, file);
      }
      return file;
    },
  };
}

/** Small shapes for the architectures that have no real-shape preset (hybrid: 3 linear + 1 full attention layer per 4). */
export const SMALL_SHAPE = {
  hidden_size: 1024,
  num_hidden_layers: 8,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  head_dim: 128,
  intermediate_size: 3072,
  moe_intermediate_size: 768,
  shared_expert_intermediate_size: 768,
  linear_num_key_heads: 8,
  linear_num_value_heads: 16,
  linear_key_head_dim: 64,
  linear_value_head_dim: 64,
};

/** The benchmark model of `arch`: the Qwen3-0.6B shape for qwen3, SMALL_SHAPE for the others. */
export function benchModelOf(arch: ModelType): BenchModel {
  return arch === "qwen3" ? benchModel("qwen3", "qwen3-0.6b") : benchModel(arch, null, SMALL_SHAPE);
}
