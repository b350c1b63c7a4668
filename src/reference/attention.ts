/**
 * @module reference/attention
 * Causal grouped-query self-attention with per-head q/k RMSNorm and RoPE, as in Qwen3 (HF
 * `Qwen3Attention`, llama.cpp `qwen3.cpp`) and, with `gated`, the output-gated variant of Qwen3-Next /
 * Qwen3.5 (`q_proj` yields query and gate per head; the output is multiplied by sigmoid(gate)).
 * Positions are plain (1-D RoPE) or, for Qwen3.5's multimodal inputs, (t, h, w) triples rotated by the
 * interleaved M-RoPE of ops.ts.
 */
import type { KVCache } from "./cache.js";
import type { Capture } from "./capture.js";
import {
  dot,
  linear,
  type Matrix,
  type MRopePosition,
  mrope,
  mropeRow,
  perHead,
  rmsNorm,
  rope,
  rotateHalf,
  sigmoid,
  softmax,
} from "./ops.js";
import type { RopeFrequencies } from "./rope-scaling.js";

export interface AttentionWeights {
  q_proj: Matrix;
  k_proj: Matrix;
  v_proj: Matrix;
  o_proj: Matrix;
  /** Per-head norm weights [head_dim], any (1 + w) offset already applied. */
  q_norm: Float64Array;
  k_norm: Float64Array;
}

export interface AttentionShape {
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  rms_norm_eps: number;
  rope_theta: number;
  /** Leading dims of each head that RoPE rotates (head_dim * partial_rotary_factor). */
  rotaryDim: number;
  /** Qwen3-Next/3.5 output gate: q_proj rows are [query(head_dim), gate(head_dim)] per head. */
  gated: boolean;
  /** Interleaved M-RoPE sections (HF `mrope_section`); absent for text-only models (Qwen3). */
  mropeSection?: readonly number[];
  /** Scaled RoPE (linear, YaRN): its frequencies replace rope_theta's; absent for plain RoPE. */
  ropeScaling?: RopeFrequencies;
}

/** The RoPE position of one row: a plain position, or (t, h, w) for the multimodal RoPE. */
export type RopePosition = number | MRopePosition;

/**
 * Runs the new rows `x` (cache slots `start`, `start + 1`, ...) through attention, appending their keys
 * and values to `cache`; returns the o_proj output rows. Row t is rotated at `positions[t]` (default
 * `start + t`): the RoPE position and the cache slot differ once M-RoPE positions come into play.
 */
export function selfAttention(
  x: Float64Array[],
  start: number,
  w: AttentionWeights,
  s: AttentionShape,
  cache: KVCache,
  il: number,
  cb: Capture,
  positions?: readonly RopePosition[],
): Float64Array[] {
  const { num_attention_heads: nHead, num_key_value_heads: nKv, head_dim: d } = s;
  if (nHead % nKv !== 0) throw new Error(`attention: ${nHead} heads are not a multiple of ${nKv} KV heads`);

  // projections; the gated q_proj interleaves per head: [q_h (d), gate_h (d)] for h = 0..nHead-1
  const qFull = x.map((r) => linear(w.q_proj, r));
  const q = s.gated ? qFull.map((r) => pick(r, nHead, d, 0)) : qFull;
  const gate = s.gated ? qFull.map((r) => pick(r, nHead, d, 1)) : [];
  const k = x.map((r) => linear(w.k_proj, r));
  const v = x.map((r) => linear(w.v_proj, r));
  cb.rows("q", il, q);
  cb.rows("k", il, k);
  cb.rows("v", il, v);
  if (s.gated) cb.rows("gate", il, gate);

  // q/k norm over each head, then RoPE at each row's position (plain or M-RoPE)
  const qNorm = q.map((r) => perHead(r, nHead, d, (h) => rmsNorm(h, w.q_norm, s.rms_norm_eps)));
  const kNorm = k.map((r) => perHead(r, nKv, d, (h) => rmsNorm(h, w.k_norm, s.rms_norm_eps)));
  cb.rows("q_norm", il, qNorm);
  cb.rows("k_norm", il, kNorm);
  if (positions && positions.length !== x.length) {
    throw new Error(`attention: ${positions.length} positions for ${x.length} rows`);
  }
  const rotate = (head: Float64Array, t: number): Float64Array => {
    const p = positions?.[t] ?? start + t;
    if (s.ropeScaling) return scaledRope(head, p, s.ropeScaling, s.mropeSection);
    if (typeof p === "number") return rope(head, p, s.rotaryDim, s.rope_theta);
    if (!s.mropeSection)
      throw new Error("attention: (t, h, w) positions given to a model without mrope_section");
    return mrope(head, p, s.rotaryDim, s.rope_theta, s.mropeSection);
  };
  const qRope = qNorm.map((r, t) => perHead(r, nHead, d, (h) => rotate(h, t)));
  const kRope = kNorm.map((r, t) => perHead(r, nKv, d, (h) => rotate(h, t)));
  cb.rows("q_rope", il, qRope);
  cb.rows("k_rope", il, kRope);

  if (cache.keys.length !== start) {
    throw new Error(`attention: KV cache holds ${cache.keys.length} positions, expected ${start}`);
  }
  cache.keys.push(...kRope);
  cache.values.push(...v);

  // causal softmax(q k^T / sqrt(d)) v over positions 0 .. start + t; query head h reads KV head
  // floor(h / (nHead / nKv)), i.e. consecutive query heads share a KV head (HF repeat_kv)
  const group = nHead / nKv;
  let out = qRope.map((qr, t) =>
    perHead(qr, nHead, d, (qh, h) => {
      const kv = Math.floor(h / group) * d;
      const visible = cache.keys.slice(0, start + t + 1);
      const probs = softmax(visible.map((key) => dot(qh, key.subarray(kv, kv + d)) / Math.sqrt(d)));
      const o = new Float64Array(d);
      for (const [p, prob] of probs.entries()) {
        for (let j = 0; j < d; j++) o[j] += prob * cache.values[p][kv + j];
      }
      return o;
    }),
  );
  if (s.gated) {
    cb.rows("attn_pregate", il, out);
    out = out.map((r, t) => r.map((val, i) => val * sigmoid(gate[t][i])));
  }
  cb.rows("attn", il, out);
  return out.map((r) => linear(w.o_proj, r));
}

/** Part `which` (0 = query, 1 = gate) of each head in a row laid out as [q_h (d), gate_h (d)] per head. */
function pick(row: Float64Array, heads: number, d: number, which: 0 | 1): Float64Array {
  const out = new Float64Array(heads * d);
  for (let h = 0; h < heads; h++) out.set(row.subarray((2 * h + which) * d, (2 * h + which + 1) * d), h * d);
  return out;
}

/**
 * RoPE with explicit frequencies (HF `apply_rotary_pos_emb` with a scaled rope's inv_freq and
 * attention_scaling): pair i turns by position * invFreq[i] (the M-RoPE row's position for (t, h, w)),
 * and the rotated dims, not the pass-through ones, are multiplied by the scaling.
 */
function scaledRope(
  x: Float64Array,
  p: RopePosition,
  f: RopeFrequencies,
  section: readonly number[] | undefined,
): Float64Array {
  if (typeof p !== "number" && !section)
    throw new Error("attention: (t, h, w) positions given to a model without mrope_section");
  const angles = f.invFreq.map((inv, i) =>
    typeof p === "number" ? p * inv : p[mropeRow(i, section as readonly number[])] * inv,
  );
  const out = rotateHalf(x, angles);
  if (f.attentionScaling !== 1) for (let i = 0; i < 2 * angles.length; i++) out[i] *= f.attentionScaling;
  return out;
}
