/**
 * @module The text-model configuration Rio runs: one type for the four supported HF `model_type`s,
 * field names spelled as in config.json.
 */

import type { RopeScaling } from "./rope-scaling.js";

/** The HF `model_type`s Rio supports (Qwen3.5 configs name their text part `qwen3_5_text` etc.). */
export type ModelType = "qwen3" | "qwen3_moe" | "qwen3_5" | "qwen3_5_moe";

export const MODEL_TYPES: readonly ModelType[] = ["qwen3", "qwen3_moe", "qwen3_5", "qwen3_5_moe"];

/** Kind of token mixer of one Qwen3.5 layer. */
export type LayerType = "linear_attention" | "full_attention";

/**
 * Validated text config with HF defaults applied. Qwen3.5 checkpoints keep this under
 * `text_config`; {@link loadTextConfig} unwraps it.
 */
export interface TextConfig {
  model_type: ModelType;
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  /** dense MLP width; for qwen3_5_moe (which has no dense MLP) it equals moe_intermediate_size */
  intermediate_size: number;
  rms_norm_eps: number;
  rope_theta: number;
  max_position_embeddings: number;
  tie_word_embeddings: boolean;
  /**
   * A linear or YaRN RoPE scaling from `rope_parameters` (transformers v5) or `rope_scaling`; absent for
   * plain RoPE. Kept under the older name whichever key it came from.
   */
  rope_scaling?: RopeScaling;
  bos_token_id?: number;
  eos_token_id?: number | number[];
  // mixture of experts (qwen3_moe, qwen3_5_moe)
  num_experts?: number;
  num_experts_per_tok?: number;
  moe_intermediate_size?: number;
  /** renormalise the top-k router weights; always true for qwen3_5_moe, whose router always does */
  norm_topk_prob?: boolean;
  shared_expert_intermediate_size?: number;
  decoder_sparse_step?: number;
  mlp_only_layers?: number[];
  // hybrid linear/full attention (qwen3_5, qwen3_5_moe)
  layer_types?: LayerType[];
  full_attention_interval?: number;
  linear_num_key_heads?: number;
  linear_num_value_heads?: number;
  linear_key_head_dim?: number;
  linear_value_head_dim?: number;
  linear_conv_kernel_dim?: number;
  /** fraction of head_dim that is rotated (Qwen3.5: 0.25); 1 for qwen3 / qwen3_moe */
  partial_rotary_factor?: number;
  /** multimodal RoPE sections (pairs of rotary dims for t/h/w); Qwen3.5 default [11, 11, 10] */
  mrope_section?: number[];
}

/** Whether layer `il` of a MoE config uses the sparse MoE block (HF's rule) rather than a dense MLP. */
export function isMoeLayer(config: TextConfig, il: number): boolean {
  if (!config.num_experts) return false;
  if (config.model_type === "qwen3_5_moe") return true;
  const step = config.decoder_sparse_step ?? 1;
  return !(config.mlp_only_layers ?? []).includes(il) && (il + 1) % step === 0;
}

/**
 * An optional field that `config`'s architecture requires (e.g. `num_experts` of a MoE config);
 * {@link loadTextConfig} always sets these, so absence means a hand-built config is incomplete.
 */
export function need<K extends keyof TextConfig>(config: TextConfig, key: K): NonNullable<TextConfig[K]> {
  const value = config[key];
  if (value === undefined || value === null) {
    throw new Error(`TextConfig of model_type ${config.model_type} has no ${String(key)}`);
  }
  return value as NonNullable<TextConfig[K]>;
}
