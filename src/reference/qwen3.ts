/**
 * @module reference/qwen3
 * Qwen3 dense (`model_type: "qwen3"`), float64. Follows HF `modeling_qwen3.py` / mlx-lm `qwen3.py` /
 * llama.cpp `src/models/qwen3.cpp`: per layer, RMSNorm -> Q/K/V -> per-head q/k RMSNorm -> RoPE (NEOX,
 * full head_dim, rope_theta) -> causal GQA attention -> o_proj -> residual -> RMSNorm -> SwiGLU ->
 * residual; then RMSNorm and the LM head (tied to embed_tokens when tie_word_embeddings).
 * Plain RMSNorm weights (no 1 + w offset). Tiny models only: weights are held as float64.
 */
import type { Checkpoint } from "../checkpoint/index.js";
import { type AttentionShape, type AttentionWeights, type RopePosition, selfAttention } from "./attention.js";
import { KVCache, ReferenceCache } from "./cache.js";
import type { Capture } from "./capture.js";
import { DecoderReference } from "./decoder.js";
import { mlpWeights, swiglu } from "./mlp.js";
import { ropeFrequencies } from "./rope-scaling.js";

export class Qwen3Reference extends DecoderReference {
  protected attnShape: AttentionShape;

  constructor(ckpt: Checkpoint) {
    super(ckpt);
    const c = this.config;
    this.attnShape = {
      num_attention_heads: c.num_attention_heads,
      num_key_value_heads: c.num_key_value_heads,
      head_dim: c.head_dim,
      rms_norm_eps: c.rms_norm_eps,
      rope_theta: c.rope_theta,
      rotaryDim: c.head_dim,
      gated: false,
      ...(c.rope_scaling && { ropeScaling: ropeFrequencies(c, c.head_dim) }),
    };
  }

  newCache(): ReferenceCache {
    return new ReferenceCache(Array.from({ length: this.config.num_hidden_layers }, () => new KVCache()));
  }

  /** Self-attention; captures q, k, v, q_norm, k_norm, q_rope, k_rope, attn (before o_proj). */
  protected mixer(
    il: number,
    x: Float64Array[],
    cache: ReferenceCache,
    cb: Capture,
    positions: readonly RopePosition[],
  ): Float64Array[] {
    return selfAttention(
      x,
      cache.position,
      this.attentionWeights(il),
      this.attnShape,
      cache.layer(il, "kv"),
      il,
      cb,
      positions,
    );
  }

  protected ffn(il: number, x: Float64Array[], _cb: Capture): Float64Array[] {
    const { hidden_size, intermediate_size } = this.config;
    const w = mlpWeights(this.w, this.layerTensor(il, "mlp."), hidden_size, intermediate_size);
    return x.map((r) => swiglu(r, w));
  }

  /** The `self_attn.*` weights of layer `il` (a gated q_proj has twice the rows: query and gate). */
  protected attentionWeights(il: number): AttentionWeights {
    const { hidden_size: h, num_attention_heads: nHead, num_key_value_heads: nKv, head_dim: d } = this.config;
    const t = (s: string) => this.layerTensor(il, `self_attn.${s}`);
    const qRows = (this.attnShape.gated ? 2 : 1) * nHead * d;
    return {
      q_proj: this.w.matrix(t("q_proj.weight"), qRows, h),
      k_proj: this.w.matrix(t("k_proj.weight"), nKv * d, h),
      v_proj: this.w.matrix(t("v_proj.weight"), nKv * d, h),
      o_proj: this.w.matrix(t("o_proj.weight"), h, nHead * d),
      q_norm: this.normWeight(t("q_norm.weight"), d),
      k_norm: this.normWeight(t("k_norm.weight"), d),
    };
  }
}
