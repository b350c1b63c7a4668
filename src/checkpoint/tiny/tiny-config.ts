/**
 * @module config.json and generation_config.json of tiny test models: real Qwen3-family configs
 * (same keys and nesting as the published checkpoints) with small shapes.
 */
import type { ModelType } from "../text-config.js";
import { tinyVisionConfigJson } from "./tiny-vision.js";

/** The shape knobs of a tiny model, spelled as in config.json. */
export interface TinyShape {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  intermediate_size: number;
  tie_word_embeddings: boolean;
  num_experts: number;
  num_experts_per_tok: number;
  moe_intermediate_size: number;
  shared_expert_intermediate_size: number;
  full_attention_interval: number;
  linear_num_key_heads: number;
  linear_num_value_heads: number;
  linear_key_head_dim: number;
  linear_value_head_dim: number;
  linear_conv_kernel_dim: number;
}

/** Qwen3's padded embedding rows: the tokenizer has 151669 tokens, the matrices 151936 rows. */
export const QWEN3_VOCAB_SIZE = 151936;
const BOS_ID = 151643; // <|endoftext|>
const EOS_ID = 151645; // <|im_end|>

const TINY: TinyShape = {
  vocab_size: QWEN3_VOCAB_SIZE,
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 16,
  intermediate_size: 128,
  tie_word_embeddings: true,
  num_experts: 8,
  num_experts_per_tok: 2,
  moe_intermediate_size: 32,
  shared_expert_intermediate_size: 64,
  full_attention_interval: 4,
  // more value than key heads, as in the real Qwen3.5 models
  linear_num_key_heads: 2,
  linear_num_value_heads: 4,
  linear_key_head_dim: 16,
  linear_value_head_dim: 16,
  linear_conv_kernel_dim: 4,
};

/** Per-architecture changes to {@link TINY}: Qwen3.5 needs 4 layers for one full-attention layer. */
const TINY_BY_ARCH: Record<ModelType, Partial<TinyShape>> = {
  qwen3: {},
  qwen3_moe: {},
  qwen3_5: { num_hidden_layers: 4, head_dim: 32 },
  qwen3_5_moe: { num_hidden_layers: 4, head_dim: 32 },
};

/** Named real shapes. */
export const SHAPE_PRESETS = {
  "qwen3-0.6b": {
    vocab_size: QWEN3_VOCAB_SIZE,
    hidden_size: 1024,
    num_hidden_layers: 28,
    num_attention_heads: 16,
    num_key_value_heads: 8,
    head_dim: 128,
    intermediate_size: 3072,
    tie_word_embeddings: true,
  },
} satisfies Record<string, Partial<TinyShape>>;

export type ShapePreset = keyof typeof SHAPE_PRESETS;

/** Tiny defaults for `arch`, then the preset, then explicit overrides. */
export function resolveShape(
  arch: ModelType,
  preset?: ShapePreset,
  overrides: Partial<TinyShape> = {},
): TinyShape {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...TINY, ...TINY_BY_ARCH[arch], ...(preset ? SHAPE_PRESETS[preset] : {}), ...defined };
}

/**
 * The config.json object of a model with shape `s`. `torchDtype` is "bfloat16" or "float32"; `vision`
 * (Qwen3.5 only) describes the tiny vision tower that make-tiny --vision writes weights for.
 */
export function tinyConfigJson(
  arch: ModelType,
  s: TinyShape,
  torchDtype: string,
  vision = false,
): Record<string, unknown> {
  const common = {
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: BOS_ID,
    eos_token_id: EOS_ID,
    head_dim: s.head_dim,
    hidden_act: "silu",
    hidden_size: s.hidden_size,
    initializer_range: 0.02,
    max_position_embeddings: 40960,
    num_attention_heads: s.num_attention_heads,
    num_hidden_layers: s.num_hidden_layers,
    num_key_value_heads: s.num_key_value_heads,
    rms_norm_eps: 1e-6,
    tie_word_embeddings: s.tie_word_embeddings,
    use_cache: true,
    vocab_size: s.vocab_size,
  };
  const moe = {
    moe_intermediate_size: s.moe_intermediate_size,
    num_experts: s.num_experts,
    num_experts_per_tok: s.num_experts_per_tok,
    output_router_logits: false,
    router_aux_loss_coef: 0.001,
  };
  const qwen3Only = {
    intermediate_size: s.intermediate_size,
    max_window_layers: s.num_hidden_layers,
    rope_scaling: null,
    rope_theta: 1000000,
    sliding_window: null,
    use_sliding_window: false,
  };
  switch (arch) {
    case "qwen3":
      return {
        architectures: ["Qwen3ForCausalLM"],
        model_type: arch,
        ...common,
        ...qwen3Only,
        torch_dtype: torchDtype,
      };
    case "qwen3_moe":
      return {
        architectures: ["Qwen3MoeForCausalLM"],
        model_type: arch,
        ...common,
        ...qwen3Only,
        ...moe,
        decoder_sparse_step: 1,
        mlp_only_layers: [],
        norm_topk_prob: true,
        torch_dtype: torchDtype,
      };
    case "qwen3_5":
    case "qwen3_5_moe":
      return qwen35Json(
        arch,
        s,
        common,
        arch === "qwen3_5_moe" ? moe : { intermediate_size: s.intermediate_size },
        torchDtype,
        vision,
      );
  }
}

// Qwen3.5: a multimodal wrapper whose text part sits under text_config, as in the published checkpoints.
function qwen35Json(
  arch: "qwen3_5" | "qwen3_5_moe",
  s: TinyShape,
  common: Record<string, unknown>,
  ffn: Record<string, unknown>,
  torchDtype: string,
  vision: boolean,
): Record<string, unknown> {
  const rotaryPairs = Math.floor((s.head_dim * 0.25) / 2);
  // the published [11, 11, 10] split of 32 rotary pairs, scaled to this head size
  const t = Math.round((rotaryPairs * 11) / 32);
  const mrope_section = [t, t, rotaryPairs - 2 * t];
  const layer_types = Array.from({ length: s.num_hidden_layers }, (_, i) =>
    (i + 1) % s.full_attention_interval ? "linear_attention" : "full_attention",
  );
  const text_config = {
    model_type: `${arch}_text`,
    ...common,
    ...ffn,
    ...(arch === "qwen3_5_moe" ? { shared_expert_intermediate_size: s.shared_expert_intermediate_size } : {}),
    attn_output_gate: true,
    full_attention_interval: s.full_attention_interval,
    layer_types,
    linear_conv_kernel_dim: s.linear_conv_kernel_dim,
    linear_key_head_dim: s.linear_key_head_dim,
    linear_num_key_heads: s.linear_num_key_heads,
    linear_num_value_heads: s.linear_num_value_heads,
    linear_value_head_dim: s.linear_value_head_dim,
    mamba_ssm_dtype: "float32",
    mtp_num_hidden_layers: 0,
    rope_parameters: {
      mrope_interleaved: true,
      mrope_section,
      partial_rotary_factor: 0.25,
      rope_theta: 10000000,
      rope_type: "default",
    },
    dtype: torchDtype,
  };
  return {
    architectures: [
      arch === "qwen3_5" ? "Qwen3_5ForConditionalGeneration" : "Qwen3_5MoeForConditionalGeneration",
    ],
    model_type: arch,
    // Qwen3 tokenizer ids of <|image_pad|>, <|video_pad|>, <|vision_start|>, <|vision_end|>
    image_token_id: 151655,
    video_token_id: 151656,
    vision_start_token_id: 151652,
    vision_end_token_id: 151653,
    text_config,
    tie_word_embeddings: s.tie_word_embeddings,
    // without --vision: a minimal vision tower config (no weights are written) so HF can instantiate the
    // wrapper quickly
    vision_config: vision
      ? tinyVisionConfigJson(arch, s.hidden_size)
      : {
          model_type: `${arch}_vision`,
          depth: 1,
          hidden_size: 32,
          hidden_act: "gelu_pytorch_tanh",
          intermediate_size: 64,
          num_heads: 2,
          in_channels: 3,
          patch_size: 16,
          spatial_merge_size: 2,
          temporal_patch_size: 2,
          out_hidden_size: s.hidden_size,
          num_position_embeddings: 64,
        },
    torch_dtype: torchDtype,
  };
}

/** generation_config.json of the Qwen3 releases (thinking-mode sampling defaults). */
export function generationConfigJson(): Record<string, unknown> {
  return {
    bos_token_id: BOS_ID,
    do_sample: true,
    eos_token_id: [EOS_ID, BOS_ID],
    pad_token_id: BOS_ID,
    temperature: 0.6,
    top_k: 20,
    top_p: 0.95,
  };
}
