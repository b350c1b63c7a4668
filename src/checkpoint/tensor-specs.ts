/**
 * @module The tensors a config implies, with HF (transformers) names and PyTorch shapes, in canonical
 * form (`model.*`; see checkpoint.ts). One list for all four architectures: the tiny-model writer
 * produces exactly this, and tests check real folders against it.
 */
import { isMoeLayer, need, type TextConfig } from "./text-config.js";

/**
 * What a tensor is, so writers can initialise it and readers can interpret it:
 * `norm_plus_one` is a Qwen3.5 RMSNorm weight w applied as (1 + w); `norm` is applied as w.
 */
export type TensorKind = "embedding" | "linear" | "norm" | "norm_plus_one" | "conv1d" | "A_log" | "dt_bias";

export interface TensorSpec {
  name: string;
  shape: number[];
  kind: TensorKind;
}

/** The tensors a checkpoint with `config` holds, in model order. Qwen3.5 MoE experts are fused 3-D tensors. */
export function expectedTensors(config: TextConfig): TensorSpec[] {
  const c = config;
  const hybrid = c.model_type === "qwen3_5" || c.model_type === "qwen3_5_moe";
  const norm: TensorKind = hybrid ? "norm_plus_one" : "norm";
  const specs: TensorSpec[] = [
    { name: "model.embed_tokens.weight", shape: [c.vocab_size, c.hidden_size], kind: "embedding" },
  ];
  const add = (name: string, shape: number[], kind: TensorKind = "linear") =>
    specs.push({ name, shape, kind });
  for (let il = 0; il < c.num_hidden_layers; il++) {
    const p = `model.layers.${il}`;
    add(`${p}.input_layernorm.weight`, [c.hidden_size], norm);
    if (c.layer_types?.[il] === "linear_attention") addLinearAttention(c, `${p}.linear_attn`, add);
    else addAttention(c, `${p}.self_attn`, hybrid, norm, add);
    add(`${p}.post_attention_layernorm.weight`, [c.hidden_size], norm);
    addFeedForward(c, il, `${p}.mlp`, add);
  }
  add("model.norm.weight", [c.hidden_size], norm);
  if (!c.tie_word_embeddings) add("lm_head.weight", [c.vocab_size, c.hidden_size]);
  return specs;
}

type Add = (name: string, shape: number[], kind?: TensorKind) => void;

// self-attention; Qwen3.5's q_proj also yields a per-channel output gate, doubling its rows
function addAttention(c: TextConfig, p: string, gated: boolean, norm: TensorKind, add: Add): void {
  const q = c.num_attention_heads * c.head_dim;
  const kv = c.num_key_value_heads * c.head_dim;
  add(`${p}.q_proj.weight`, [gated ? 2 * q : q, c.hidden_size]);
  add(`${p}.k_proj.weight`, [kv, c.hidden_size]);
  add(`${p}.v_proj.weight`, [kv, c.hidden_size]);
  add(`${p}.o_proj.weight`, [c.hidden_size, q]);
  add(`${p}.q_norm.weight`, [c.head_dim], norm);
  add(`${p}.k_norm.weight`, [c.head_dim], norm);
}

// gated delta net (Qwen3.5 linear attention), shapes as in transformers' Qwen3_5GatedDeltaNet
function addLinearAttention(c: TextConfig, p: string, add: Add): void {
  const valueHeads = need(c, "linear_num_value_heads");
  const keyDim = need(c, "linear_num_key_heads") * need(c, "linear_key_head_dim");
  const valueDim = valueHeads * need(c, "linear_value_head_dim");
  const convDim = 2 * keyDim + valueDim;
  add(`${p}.in_proj_qkv.weight`, [convDim, c.hidden_size]);
  add(`${p}.in_proj_z.weight`, [valueDim, c.hidden_size]);
  add(`${p}.in_proj_b.weight`, [valueHeads, c.hidden_size]);
  add(`${p}.in_proj_a.weight`, [valueHeads, c.hidden_size]);
  add(`${p}.conv1d.weight`, [convDim, 1, need(c, "linear_conv_kernel_dim")], "conv1d");
  add(`${p}.dt_bias`, [valueHeads], "dt_bias");
  add(`${p}.A_log`, [valueHeads], "A_log");
  add(`${p}.norm.weight`, [need(c, "linear_value_head_dim")], "norm");
  add(`${p}.out_proj.weight`, [c.hidden_size, valueDim]);
}

function addMlp(p: string, hidden: number, inter: number, add: Add): void {
  add(`${p}.gate_proj.weight`, [inter, hidden]);
  add(`${p}.up_proj.weight`, [inter, hidden]);
  add(`${p}.down_proj.weight`, [hidden, inter]);
}

// feed-forward: dense MLP, or router + experts (+ Qwen3.5's gated shared expert)
function addFeedForward(c: TextConfig, il: number, p: string, add: Add): void {
  if (!isMoeLayer(c, il)) {
    addMlp(p, c.hidden_size, c.intermediate_size, add);
    return;
  }
  const experts = need(c, "num_experts");
  const inter = need(c, "moe_intermediate_size");
  add(`${p}.gate.weight`, [experts, c.hidden_size]);
  if (c.model_type === "qwen3_5_moe") {
    add(`${p}.experts.gate_up_proj`, [experts, 2 * inter, c.hidden_size]);
    add(`${p}.experts.down_proj`, [experts, c.hidden_size, inter]);
    addMlp(`${p}.shared_expert`, c.hidden_size, need(c, "shared_expert_intermediate_size"), add);
    add(`${p}.shared_expert_gate.weight`, [1, c.hidden_size]);
    return;
  }
  for (let e = 0; e < experts; e++) addMlp(`${p}.experts.${e}`, c.hidden_size, inter, add);
}
