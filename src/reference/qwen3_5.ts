/**
 * @module reference/qwen3_5
 * Qwen3.5 dense (`model_type: "qwen3_5"`, text part), float64: a hybrid of Gated DeltaNet
 * (`linear_attention`) and output-gated full attention layers, as in HF `modeling_qwen3_5.py` (same
 * math as `modeling_qwen3_next.py` with separate in_proj_qkv/z/b/a instead of the fused, head-interleaved
 * in_proj_qkvz/ba) and llama.cpp `src/models/qwen35.cpp` + `delta-net-base.cpp`.
 *
 * Conventions (checked against those sources):
 * - Every RMSNorm (input/post-attention layernorms, final norm, q_norm, k_norm) scales by (1 + w)
 *   (HF `Qwen3_5RMSNorm`, zero-initialised weights; llama.cpp's converter adds 1 to these weights) —
 *   except the gated norm inside linear attention, which scales by plain w (`Qwen3_5RMSNormGated`).
 * - Full attention: q_proj gives [query, gate] per head; RoPE rotates only the first
 *   head_dim * partial_rotary_factor dims (rotate-half within them), with HF's *interleaved*
 *   multimodal RoPE (`Qwen3_5TextRotaryEmbedding.recomposition_frequencies`, applied whatever
 *   `mrope_interleaved` says): rotary frequency i takes its position from h when i % 3 == 1 and
 *   i < 3 * mrope_section[1], from w when i % 3 == 2 and i < 3 * mrope_section[2], else from t
 *   (ops.ts `mropeRow`). llama.cpp's GGML_ROPE_TYPE_IMROPE (ggml-cpu ops.cpp `ggml_mrope_cache_init`)
 *   picks h and w by the same rule and t for i % 3 == 0 and i < 3 * section[0]; a frequency with
 *   i % 3 == k and i >= 3 * section[k] takes t in HF but ggml's 4th position, so the two agree when
 *   3 * section[k] exceeds every such i below rotary dim / 2 — true for Qwen3.5's [11, 11, 10] over
 *   32 frequencies (h: 1..31, w: 2..29, t: 0..30). Text rows have t = h = w, where this is exactly the
 *   plain 1-D RoPE.
 * - Linear attention heads: each of the linear_num_key_heads q/k heads serves
 *   linear_num_value_heads / linear_num_key_heads *consecutive* value heads (HF `repeat_interleave`;
 *   llama.cpp's converter reorders V heads so that its tiled broadcast matches).
 * - l2norm is x / sqrt(sum(x^2) + 1e-6) with a fixed 1e-6 (HF/FLA `l2norm`; ggml uses
 *   x / max(|x|, rms_norm_eps)); q is then scaled by 1/sqrt(linear_key_head_dim).
 * - HF forces float32 in the norms, the rotary tables, g = -exp(A_log) * softplus(a + dt_bias) and the
 *   whole delta rule; this reference computes everything in float64.
 * Tiny models only: weights are held as float64.
 */
import type { Checkpoint, LayerType } from "../checkpoint/index.js";
import type { RopePosition } from "./attention.js";
import { KVCache, LinearAttentionState, ReferenceCache } from "./cache.js";
import type { Capture } from "./capture.js";
import { need } from "./config.js";
import { convStep, gatedDeltaStep } from "./delta-net.js";
import { l2Norm, linear, perHead, rmsNorm, scale, sigmoid, silu, softplus } from "./ops.js";
import { Qwen3Reference } from "./qwen3.js";
import { ropeFrequencies } from "./rope-scaling.js";

/** Gated DeltaNet sizes: key heads, value heads (a multiple), their head dims, conv kernel. */
interface LinearDims {
  hk: number;
  hv: number;
  dk: number;
  dv: number;
  kernel: number;
}

export class Qwen3_5Reference extends Qwen3Reference {
  readonly layerTypes: LayerType[];
  private readonly lin: LinearDims;

  constructor(ckpt: Checkpoint) {
    super(ckpt);
    const c = this.config;
    this.layerTypes = need(c, "layer_types");
    const rotaryDim = Math.floor(c.head_dim * need(c, "partial_rotary_factor"));
    const mropeSection = need(c, "mrope_section");
    this.attnShape = {
      ...this.attnShape,
      rotaryDim,
      gated: true,
      mropeSection,
      ...(c.rope_scaling && { ropeScaling: ropeFrequencies(c, rotaryDim) }),
    };
    this.lin = {
      hk: need(c, "linear_num_key_heads"),
      hv: need(c, "linear_num_value_heads"),
      dk: need(c, "linear_key_head_dim"),
      dv: need(c, "linear_value_head_dim"),
      kernel: need(c, "linear_conv_kernel_dim"),
    };
  }

  override newCache(): ReferenceCache {
    const { hk, hv, dk, dv, kernel } = this.lin;
    const convDim = 2 * hk * dk + hv * dv;
    return new ReferenceCache(
      this.layerTypes.map((t) =>
        t === "full_attention" ? new KVCache() : new LinearAttentionState(convDim, kernel, hv, dk, dv),
      ),
    );
  }

  /** Qwen3.5 RMSNorm scales by (1 + w). */
  protected override normWeight(name: string, n: number): Float64Array {
    return this.w.vector(name, n).map((v) => 1 + v);
  }

  /**
   * Full-attention layers: as Qwen3 plus gate and attn_pregate. Linear layers capture qkv (in_proj_qkv),
   * z, beta, g, conv (after SiLU), q_l2 (normalised and scaled), k_l2, v, core (delta-rule output),
   * gated_norm (before out_proj).
   */
  protected override mixer(
    il: number,
    x: Float64Array[],
    cache: ReferenceCache,
    cb: Capture,
    positions: readonly RopePosition[],
  ): Float64Array[] {
    if (this.layerTypes[il] === "full_attention") return super.mixer(il, x, cache, cb, positions);
    return this.gatedDeltaNet(il, x, cache.layer(il, "linear"), cb);
  }

  private gatedDeltaNet(
    il: number,
    x: Float64Array[],
    state: LinearAttentionState,
    cb: Capture,
  ): Float64Array[] {
    const { hidden_size: h, rms_norm_eps: eps } = this.config;
    const { hk, hv, dk, dv, kernel } = this.lin;
    const keyDim = hk * dk;
    const convDim = 2 * keyDim + hv * dv;
    const t = (s: string) => this.layerTensor(il, `linear_attn.${s}`);
    const inQkv = this.w.matrix(t("in_proj_qkv.weight"), convDim, h);
    const inZ = this.w.matrix(t("in_proj_z.weight"), hv * dv, h);
    const inB = this.w.matrix(t("in_proj_b.weight"), hv, h);
    const inA = this.w.matrix(t("in_proj_a.weight"), hv, h);
    const convW = this.w.tensor(t("conv1d.weight"), [convDim, 1, kernel]);
    const dtBias = this.w.vector(t("dt_bias"), hv);
    const aLog = this.w.vector(t("A_log"), hv);
    const normW = this.w.vector(t("norm.weight"), dv); // plain w: the gated norm has no (1 + w) offset
    const outProj = this.w.matrix(t("out_proj.weight"), h, hv * dv);

    const kept = new Map<string, Float64Array[]>();
    const keep = (name: string, row: Float64Array) => {
      kept.set(name, [...(kept.get(name) ?? []), row]);
      return row;
    };
    const out = x.map((r) => {
      const qkv = keep("qkv", linear(inQkv, r));
      const z = keep("z", linear(inZ, r));
      const beta = keep("beta", linear(inB, r).map(sigmoid));
      const g = keep(
        "g",
        linear(inA, r).map((a, i) => -Math.exp(aLog[i]) * softplus(a + dtBias[i])),
      );

      // causal conv1d over the [q | k | v] channels with rolling state, then SiLU
      const conv = keep("conv", convStep(qkv, state.conv, convW, kernel).map(silu));
      const q = keep(
        "q_l2",
        perHead(conv.subarray(0, keyDim), hk, dk, (v) => scale(l2Norm(v, 1e-6), 1 / Math.sqrt(dk))),
      );
      const k = keep(
        "k_l2",
        perHead(conv.subarray(keyDim, 2 * keyDim), hk, dk, (v) => l2Norm(v, 1e-6)),
      );
      const v = keep("v", conv.slice(2 * keyDim));

      // gated delta rule per value head; value head j reads q/k head floor(j / (hv / hk))
      const core = keep(
        "core",
        perHead(v, hv, dv, (vh, j) => {
          const at = Math.floor(j / (hv / hk)) * dk;
          const [qh, kh] = [q.subarray(at, at + dk), k.subarray(at, at + dk)];
          return gatedDeltaStep(state.recurrent[j], qh, kh, vh, g[j], beta[j]);
        }),
      );
      // gated RMSNorm per value head: w * norm(core) * silu(z)
      const gated = perHead(core, hv, dv, (c, j) =>
        rmsNorm(c, normW, eps).map((val, i) => val * silu(z[j * dv + i])),
      );
      return linear(outProj, keep("gated_norm", gated));
    });
    for (const [name, rows] of kept) cb.rows(name, il, rows);
    return out;
  }
}
