/**
 * @module HF -> GGUF rules for `qwen3_moe` (llama.cpp's Qwen3MoeModel: LLM_ARCH_QWEN3MOE). Qwen3 plus a
 * router (`mlp.gate` -> `ffn_gate_inp`, kept F32) and per-expert MLPs stacked into 3-D `ffn_*_exps`.
 * llama.cpp's qwen3moe graph makes every layer sparse and always renormalises the top-k router weights,
 * so configs that ask otherwise are refused rather than converted into a different model.
 */
import * as path from "node:path";
import { CheckpointError } from "../errors.js";
import { need, type TextConfig } from "../text-config.js";
import { u32 } from "./kv.js";
import { mapName, planTensors, renamed, stackedExpert } from "./plan.js";
import { QWEN3_NAMES, transformerMetadata } from "./qwen3.js";
import type { ConversionRules } from "./rules.js";

const NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(QWEN3_NAMES).filter(([hf]) => !/\.mlp\./.test(hf))),
  "model.layers.{bid}.mlp.gate.weight": "blk.{bid}.ffn_gate_inp.weight",
};

/** The expert hyper-parameters llama.cpp's MoE loaders read (Qwen2MoeModel.set_gguf_parameters). */
export function expertMetadata(arch: string, c: TextConfig) {
  return [
    u32(`${arch}.expert_count`, need(c, "num_experts")),
    u32(`${arch}.expert_used_count`, need(c, "num_experts_per_tok")),
    u32(`${arch}.expert_feed_forward_length`, need(c, "moe_intermediate_size")),
  ];
}

// Config values llama.cpp's qwen3moe graph cannot honour are refused, naming the field.
function refuseUnsupported(c: TextConfig, file: string): void {
  const refuse = (field: keyof TextConfig, expected: string) => {
    throw new CheckpointError(
      `${file}: ${field} is ${JSON.stringify(c[field])}; llama.cpp's qwen3moe needs ${expected}`,
      file,
      field,
    );
  };
  if (c.norm_topk_prob === false) refuse("norm_topk_prob", "true (it always renormalises the top-k weights)");
  if ((c.decoder_sparse_step ?? 1) !== 1) refuse("decoder_sparse_step", "1 (every layer sparse)");
  if ((c.mlp_only_layers ?? []).length > 0) refuse("mlp_only_layers", "[] (every layer sparse)");
}

export const qwen3_moe: ConversionRules = {
  architecture: "qwen3moe",
  tokenizerPre: "qwen2",
  tensors: (src, config) => {
    refuseUnsupported(config, path.join(src.dir, "config.json"));
    const experts = need(config, "num_experts");
    return planTensors(src, config, "qwen3moe", (hfName) => {
      const name = mapName(NAMES, hfName);
      if (name !== undefined) return [renamed(src, hfName, name)];
      return stackedExpert(src, hfName, experts);
    });
  },
  metadata: (c) => [...transformerMetadata("qwen3moe", c), ...expertMetadata("qwen3moe", c)],
};
