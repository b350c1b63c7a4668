/**
 * @module HF -> GGUF rules for `qwen3_5_moe` (llama.cpp's Qwen3_5MoeTextModel: LLM_ARCH_QWEN35MOE):
 * Qwen3.5 with every MLP replaced by routed experts plus a sigmoid-gated shared expert. Experts come
 * fused (`mlp.experts.gate_up_proj` [E, 2 ff, H], split into ffn_gate_exps / ffn_up_exps, and
 * `mlp.experts.down_proj` [E, H, ff]) or per expert (stacked), as Qwen2MoeModel.modify_tensors accepts.
 * The router and the shared-expert gate stay F32 (tensor-types.ts).
 */
import { need } from "../text-config.js";
import { u32 } from "./kv.js";
import { mapName, planTensors, renamed, splitGateUp, stackedExpert, type TensorSource } from "./plan.js";
import { placeQwen3_5, qwen3_5Metadata } from "./qwen3_5.js";
import { expertMetadata } from "./qwen3_moe.js";
import type { ConversionRules } from "./rules.js";

const FFN_NAMES: Record<string, string> = {
  "model.layers.{bid}.mlp.gate.weight": "blk.{bid}.ffn_gate_inp.weight",
  "model.layers.{bid}.mlp.experts.down_proj": "blk.{bid}.ffn_down_exps.weight",
  "model.layers.{bid}.mlp.shared_expert.gate_proj.weight": "blk.{bid}.ffn_gate_shexp.weight",
  "model.layers.{bid}.mlp.shared_expert.up_proj.weight": "blk.{bid}.ffn_up_shexp.weight",
  "model.layers.{bid}.mlp.shared_expert.down_proj.weight": "blk.{bid}.ffn_down_shexp.weight",
  // [1, hidden] -> ggml {hidden, 1}, which llama.cpp loads as its 1-D {n_embd}
  "model.layers.{bid}.mlp.shared_expert_gate.weight": "blk.{bid}.ffn_gate_inp_shexp.weight",
};

function placeFfn(src: TensorSource, experts: number) {
  return (hfName: string) => {
    const fused = /^model\.layers\.(\d+)\.mlp\.experts\.gate_up_proj$/.exec(hfName);
    if (fused) return splitGateUp(src, hfName, fused[1]);
    const name = mapName(FFN_NAMES, hfName);
    return name === undefined ? stackedExpert(src, hfName, experts) : [renamed(src, hfName, name)];
  };
}

export const qwen3_5_moe: ConversionRules = {
  architecture: "qwen35moe",
  tokenizerPre: "qwen35",
  tensors: (src, config) =>
    planTensors(
      src,
      config,
      "qwen35moe",
      placeQwen3_5(src, config, placeFfn(src, need(config, "num_experts"))),
    ),
  metadata: (c) => [
    ...qwen3_5Metadata("qwen35moe", c, "config.json"),
    ...expertMetadata("qwen35moe", c),
    u32("qwen35moe.expert_shared_feed_forward_length", need(c, "shared_expert_intermediate_size")),
  ],
};
