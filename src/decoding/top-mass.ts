/**
 * @module
 * Full-vocabulary softmax statistics without sorting the vocabulary (SIMD kernels): the entropy from one
 * pass (Z = sum e^y, M = sum e^y y, H = log Z - M / Z), and the smallest set of most likely tokens
 * holding a target share of the mass, as a prefix of a top-k selection.
 */

import { type LoadedRow, loadRow } from "../kernels/index.js";
import { expNonPositive } from "./fast-exp.js";

/** The head of a softmax distribution. */
export interface TopMass {
  /** Token ids, most likely first (ties by id ascending). */
  ids: Int32Array;
  /** Their probabilities under the full (unfiltered) softmax, not renormalised. */
  probs: Float64Array;
  /** Sum of `probs`. */
  mass: number;
  /** Entropy (nats) of the full distribution softmax(logits * invTemperature). */
  entropy: number;
}

/** Options of {@link topMass}. */
export interface TopMassOptions {
  /** Multiplies the logits before the softmax (1 / temperature). Default 1. */
  invTemperature?: number;
  /** Stop once the kept tokens hold at least this share of the probability mass, in (0, 1]. */
  mass: number;
  /** Keep at most this many tokens. */
  maxCount: number;
}

/** What one pass over a row gives: its max, the partition Z and the entropy of softmax(row * invT). */
export interface SoftmaxSummary {
  max: number;
  z: number;
  entropy: number;
  invTemperature: number;
}

/**
 * Max, Z and entropy of softmax(logits * invTemperature), for callers that need the head only sometimes
 * (see {@link headOf}).
 *
 * @example
 * const { entropy } = softmaxSummary(logits);
 */
export function softmaxSummary(logits: Float32Array, invTemperature = 1): SoftmaxSummary {
  return summarise(loadRow(logits), invTemperature);
}

/**
 * The head of a row already summarised by {@link softmaxSummary} (same row, unchanged).
 *
 * @example
 * const head = headOf(logits, summary, { mass: 0.999, maxCount: 1024 });
 */
export function headOf(
  logits: Float32Array,
  summary: SoftmaxSummary,
  options: Omit<TopMassOptions, "invTemperature">,
): TopMass {
  return head(loadRow(logits), logits, summary, options);
}

/**
 * Entropy and head of softmax(logits * invTemperature) in O(V).
 *
 * @example
 * const { entropy, ids, probs } = topMass(logits, { mass: 0.999, maxCount: 256 });
 */
export function topMass(logits: Float32Array, options: TopMassOptions): TopMass {
  const row = loadRow(logits);
  return head(row, logits, summarise(row, options.invTemperature ?? 1), options);
}

function summarise(row: LoadedRow, invTemperature: number): SoftmaxSummary {
  const max = row.max();
  if (max === Number.NEGATIVE_INFINITY) throw new Error("topMass: every logit is -Infinity");
  const { z, moment } = row.softmaxStats(max, invTemperature);
  return { max, z, entropy: Math.log(z) - moment / z, invTemperature };
}

// The head is a prefix of the top maxCount; most rows reach the mass within a few tokens, so ask for a
// short top first and widen only when its mass falls short.
function head(
  row: LoadedRow,
  logits: Float32Array,
  { max, z, entropy, invTemperature }: SoftmaxSummary,
  options: Omit<TopMassOptions, "invTemperature">,
): TopMass {
  for (let k = Math.min(options.maxCount, FIRST_TOP); ; k = Math.min(options.maxCount, k * WIDEN)) {
    const top = row.topK(k);
    const probs = new Float64Array(top.length);
    let kept = 0;
    let mass = 0;
    while (kept < top.length && mass < options.mass) {
      probs[kept] = expNonPositive((logits[top[kept]] - max) * invTemperature) / z;
      mass += probs[kept++];
    }
    if (mass >= options.mass || top.length < k || k === options.maxCount)
      return { ids: top.slice(0, kept), probs: probs.slice(0, kept), mass, entropy };
  }
}

const FIRST_TOP = 64;
const WIDEN = 16;
