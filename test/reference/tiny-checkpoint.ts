/**
 * Tiny random checkpoints for the reference tests: a config.json plus one model.safetensors (F32), with
 * every tensor the checkpoint layer's `expectedTensors` lists. Tensors are kept in a Map so tests can
 * rewrite some of them (permutations, copies) and write the result as another checkpoint.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Checkpoint,
  expectedTensors,
  type ModelType,
  openCheckpoint,
  parseTextConfig,
  writeSafetensors,
} from "../../src/checkpoint/index.js";
import { random } from "./numeric.js";

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** A small raw config.json per architecture (vocab 48, hidden 32), with dims chosen to differ from each other. */
export function tinyConfig(arch: ModelType): Record<string, unknown> {
  const base = {
    model_type: arch,
    vocab_size: 48,
    hidden_size: 32,
    num_hidden_layers: 3,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 8,
    intermediate_size: 40,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    max_position_embeddings: 256,
    tie_word_embeddings: false,
  };
  const moe = { num_experts: 4, num_experts_per_tok: 2, moe_intermediate_size: 12 };
  const hybrid = {
    layer_types: ["linear_attention", "full_attention", "linear_attention"],
    linear_num_key_heads: 2,
    linear_num_value_heads: 4,
    linear_key_head_dim: 8,
    linear_value_head_dim: 6,
    linear_conv_kernel_dim: 4,
    rope_parameters: { rope_theta: 10000, partial_rotary_factor: 0.5, mrope_section: [1, 1, 0] },
  };
  switch (arch) {
    case "qwen3":
      return { ...base, tie_word_embeddings: true };
    case "qwen3_moe":
      return { ...base, ...moe, norm_topk_prob: true, decoder_sparse_step: 1, mlp_only_layers: [1] };
    case "qwen3_5":
      return { ...base, ...hybrid };
    case "qwen3_5_moe":
      return { ...base, ...hybrid, ...moe, shared_expert_intermediate_size: 20 };
  }
}

/** Random tensors for `rawConfig`, scaled so activations stay O(1) and every op matters. */
export function randomTensors(rawConfig: Record<string, unknown>, seed = 1): Map<string, Tensor> {
  const rnd = random(seed);
  const tensors = new Map<string, Tensor>();
  for (const spec of expectedTensors(parseTextConfig(rawConfig, "config.json"))) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const fan = spec.shape[spec.shape.length - 1];
    const value = {
      embedding: () => rnd(),
      linear: () => (1.5 * rnd()) / Math.sqrt(fan),
      norm: () => 1 + 0.25 * rnd(),
      norm_plus_one: () => 0.25 * rnd(),
      conv1d: () => 0.6 * rnd(),
      A_log: () => Math.log(1.5 + rnd()),
      dt_bias: () => 0.5 + 0.5 * rnd(),
    }[spec.kind];
    tensors.set(spec.name, { shape: spec.shape, data: Float32Array.from({ length: n }, value) });
  }
  return tensors;
}

/** Writes config.json + model.safetensors into a fresh temp folder and opens it. */
export function writeCheckpoint(
  rawConfig: Record<string, unknown>,
  tensors: Map<string, Tensor>,
): Checkpoint {
  const dir = mkdtempSync(join(tmpdir(), "rio-ref-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(rawConfig));
  writeSafetensors(
    join(dir, "model.safetensors"),
    [...tensors].map(([name, t]) => ({ name, dtype: "F32" as const, shape: t.shape, data: t.data })),
  );
  const ckpt = openCheckpoint(dir);
  const close = ckpt.close.bind(ckpt);
  ckpt.close = () => {
    close();
    rmSync(dir, { recursive: true, force: true });
  };
  return ckpt;
}

/** A random tiny checkpoint of `arch` (config overrides merged in). */
export function tinyCheckpoint(
  arch: ModelType,
  overrides: Record<string, unknown> = {},
  seed = 1,
): Checkpoint {
  const config = { ...tinyConfig(arch), ...overrides };
  return writeCheckpoint(config, randomTensors(config, seed));
}
