/**
 * @module HF -> GGUF rules for `qwen3` (llama.cpp's Qwen3Model: LLM_ARCH_QWEN3). Names from gguf-py's
 * tensor_mapping.py; Qwen3's RoPE is NEOX-style, so unlike `llama` no Q/K permutation is needed.
 */
import type { RopeScaling } from "../rope-scaling.js";
import type { TextConfig } from "../text-config.js";
import { f32, str, u32 } from "./kv.js";
import { mapName, planTensors, renamed } from "./plan.js";
import type { ConversionRules } from "./rules.js";

/** HF name -> GGUF name; `{bid}` is the block (layer) index. Qwen3-MoE reuses all but the MLP rows. */
export const QWEN3_NAMES: Record<string, string> = {
  "model.embed_tokens.weight": "token_embd.weight",
  "model.norm.weight": "output_norm.weight",
  "lm_head.weight": "output.weight",
  "model.layers.{bid}.input_layernorm.weight": "blk.{bid}.attn_norm.weight",
  "model.layers.{bid}.self_attn.q_proj.weight": "blk.{bid}.attn_q.weight",
  "model.layers.{bid}.self_attn.k_proj.weight": "blk.{bid}.attn_k.weight",
  "model.layers.{bid}.self_attn.v_proj.weight": "blk.{bid}.attn_v.weight",
  "model.layers.{bid}.self_attn.o_proj.weight": "blk.{bid}.attn_output.weight",
  "model.layers.{bid}.self_attn.q_norm.weight": "blk.{bid}.attn_q_norm.weight",
  "model.layers.{bid}.self_attn.k_norm.weight": "blk.{bid}.attn_k_norm.weight",
  "model.layers.{bid}.post_attention_layernorm.weight": "blk.{bid}.ffn_norm.weight",
  "model.layers.{bid}.mlp.gate_proj.weight": "blk.{bid}.ffn_gate.weight",
  "model.layers.{bid}.mlp.up_proj.weight": "blk.{bid}.ffn_up.weight",
  "model.layers.{bid}.mlp.down_proj.weight": "blk.{bid}.ffn_down.weight",
};

/**
 * RoPE scaling metadata exactly as llama.cpp's converter writes it (convert_hf_to_gguf
 * `conversion/base.py` TextModel.set_gguf_parameters, the `rope_type == "linear"` / `"yarn"` branches):
 * type and factor; for YaRN also the original context and, when config.json gives them, the
 * extrapolation factor, attention factor and betas. llama.cpp's loader (`src/llama-model.cpp`
 * load_hparams) reads type, factor and original_context_length for every architecture, but the yarn_*
 * keys only for grok; `llama_context` (`src/llama-context.cpp`) then uses beta_fast 32, beta_slow 1 and
 * the attention scaling 0.1 ln(factor) + 1 (`get_mscale`), HF's defaults. A config whose YaRN knobs
 * differ from those would run differently in llama.cpp than in HF, so it is refused.
 */
export function ropeScalingMetadata(arch: string, config: TextConfig) {
  const s = config.rope_scaling;
  if (!s) return [];
  const kvs = [str(`${arch}.rope.scaling.type`, s.rope_type), f32(`${arch}.rope.scaling.factor`, s.factor)];
  if (s.rope_type !== "yarn") return kvs;
  if (s.original_max_position_embeddings === undefined)
    throw new Error(
      "config.json rope_scaling: YaRN needs original_max_position_embeddings (llama.cpp's converter requires it too)",
    );
  kvs.push(u32(`${arch}.rope.scaling.original_context_length`, s.original_max_position_embeddings));
  checkYarnDefaults(s);
  const optional = [
    ["extrapolation_factor", "yarn_ext_factor"],
    ["attention_factor", "yarn_attn_factor"],
    ["beta_fast", "yarn_beta_fast"],
    ["beta_slow", "yarn_beta_slow"],
  ] as const;
  for (const [hf, gguf] of optional) {
    const value = s[hf];
    if (value !== undefined) kvs.push(f32(`${arch}.rope.scaling.${gguf}`, value));
  }
  return kvs;
}

/** Throws when a YaRN knob asks for something llama.cpp's qwen3-family loaders would not do. */
function checkYarnDefaults(s: RopeScaling): void {
  const unsupported = (
    [
      ["beta_fast", s.beta_fast === undefined || s.beta_fast === 32],
      ["beta_slow", s.beta_slow === undefined || s.beta_slow === 1],
      ["extrapolation_factor", s.extrapolation_factor === undefined || s.extrapolation_factor === 1],
      ["attention_factor", s.attention_factor === undefined],
      ["mscale_all_dim", !(s.mscale && s.mscale_all_dim)],
      ["truncate", s.truncate !== false],
    ] as const
  ).filter(([, ok]) => !ok);
  if (unsupported.length > 0)
    throw new Error(
      `config.json rope_scaling: YaRN ${unsupported.map(([name]) => name).join(", ")} other than HF's default; ` +
        "llama.cpp reads none of these for Qwen3 models (src/llama-model.cpp) and would compute different RoPE angles",
    );
}

/**
 * The hyper-parameters every Qwen3-family GGUF carries (TextModel.set_gguf_parameters), under `arch.`.
 * key/value_length are needed whenever head_dim * heads != hidden (Qwen3-0.6B: 128 * 16 != 1024);
 * rope.freq_base is optional in llama.cpp but silently defaults to 10000 (Qwen3 uses 1e6).
 */
export function transformerMetadata(arch: string, c: TextConfig) {
  return [
    u32(`${arch}.block_count`, c.num_hidden_layers),
    u32(`${arch}.context_length`, c.max_position_embeddings),
    u32(`${arch}.embedding_length`, c.hidden_size),
    u32(`${arch}.feed_forward_length`, c.intermediate_size),
    u32(`${arch}.attention.head_count`, c.num_attention_heads),
    u32(`${arch}.attention.head_count_kv`, c.num_key_value_heads),
    u32(`${arch}.attention.key_length`, c.head_dim),
    u32(`${arch}.attention.value_length`, c.head_dim),
    f32(`${arch}.attention.layer_norm_rms_epsilon`, c.rms_norm_eps),
    f32(`${arch}.rope.freq_base`, c.rope_theta),
    ...ropeScalingMetadata(arch, c),
  ];
}

export const qwen3: ConversionRules = {
  architecture: "qwen3",
  tokenizerPre: "qwen2",
  tensors: (src, config) =>
    planTensors(src, config, "qwen3", (hfName) => {
      const name = mapName(QWEN3_NAMES, hfName);
      return name === undefined ? undefined : [renamed(src, hfName, name)];
    }),
  metadata: (c) => transformerMetadata("qwen3", c),
};
