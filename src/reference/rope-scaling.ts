/**
 * @module reference/rope-scaling
 * RoPE inverse frequencies and the cos/sin scaling of plain, linear and YaRN RoPE, as HF's
 * `modeling_rope_utils` computes them (`_compute_default_rope_parameters`,
 * `_compute_linear_scaling_rope_parameters`, `_compute_yarn_parameters` of transformers v5, where
 * `factor` is config.json's own: transformers 4.5x replaced it by max_position_embeddings /
 * original_max_position_embeddings whenever the latter was given, which only agrees when config.json's
 * max_position_embeddings is the extended length). llama.cpp's ggml `rope_yarn` computes the same blend
 * (`ggml_rope_yarn_corr_dims`, `rope_yarn_ramp`) and scaling.
 */
import type { RopeScaling } from "../checkpoint/index.js";

/** What every RoPE variant here reduces to: an angle per rotary pair per position, and a scale. */
export interface RopeFrequencies {
  /** Inverse frequency of rotary pair i (angle = position * invFreq[i]); rotaryDim / 2 entries. */
  invFreq: Float64Array;
  /** HF `attention_scaling`: cos and sin are multiplied by it (1 except for YaRN). */
  attentionScaling: number;
}

/** The config fields RoPE reads. */
export interface RopeConfig {
  rope_theta: number;
  max_position_embeddings: number;
  rope_scaling?: RopeScaling;
}

/** YaRN's attention temperature (HF `get_mscale`). */
function getMscale(scale: number, mscale = 1): number {
  return scale <= 1 ? 1 : 0.1 * mscale * Math.log(scale) + 1;
}

/**
 * The inverse frequencies and scaling of `config`'s RoPE over `rotaryDim` rotated dims.
 * @example ropeFrequencies({ rope_theta: 1e6, max_position_embeddings: 256, rope_scaling: { rope_type: "yarn", factor: 4, original_max_position_embeddings: 64 } }, 16);
 */
export function ropeFrequencies(config: RopeConfig, rotaryDim: number): RopeFrequencies {
  const base = config.rope_theta;
  const half = rotaryDim / 2;
  // HF: base ** (arange(0, dim, 2) / dim); written as in ops.rope so plain RoPE stays bit-identical
  const plain = Float64Array.from({ length: half }, (_, i) => base ** (-(2 * i) / rotaryDim));
  const s = config.rope_scaling;
  if (!s) return { invFreq: plain, attentionScaling: 1 };
  if (s.rope_type === "linear") return { invFreq: plain.map((f) => f / s.factor), attentionScaling: 1 };

  // YaRN: blend interpolated (f / factor) and extrapolated (f) frequencies over a ramp between the
  // dims that rotate beta_fast and beta_slow times within the original context
  const factor = s.factor;
  const original = s.original_max_position_embeddings ?? config.max_position_embeddings;
  const attentionScaling =
    s.attention_factor ??
    (s.mscale && s.mscale_all_dim
      ? getMscale(factor, s.mscale) / getMscale(factor, s.mscale_all_dim)
      : getMscale(factor));
  const betaFast = s.beta_fast || 32;
  const betaSlow = s.beta_slow || 1;
  const correctionDim = (rotations: number) =>
    (rotaryDim * Math.log(original / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
  let low = correctionDim(betaFast);
  let high = correctionDim(betaSlow);
  if (s.truncate !== false) {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  low = Math.max(low, 0);
  high = Math.min(high, rotaryDim - 1);
  if (low === high) high += 0.001; // HF: prevent singularity
  const invFreq = plain.map((f, i) => {
    const ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
    const extrapolation = 1 - ramp;
    return (f / factor) * (1 - extrapolation) + f * extrapolation;
  });
  return { invFreq, attentionScaling };
}
