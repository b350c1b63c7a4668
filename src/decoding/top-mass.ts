/**
 * @module
 * Full-vocabulary softmax statistics in three linear passes (SIMD kernels), without sorting the
 * vocabulary: the entropy, and the smallest set of most likely tokens holding a target share of the mass.
 * Pass 1 finds the max; pass 2 sums exp (the partition Z), the entropy moment and a histogram of mass
 * by log-probability bin; the histogram tells which logit threshold is enough to reach the target, and
 * pass 3 collects only the tokens above it, which are then sorted (they are few unless the
 * distribution is nearly flat, when the count cap applies through a top-k selection instead).
 */

import { expNonPositive } from "./fast-exp.js";
import { BIN_COUNT, BINS_PER_NAT, loadRow } from "./logits-kernels.js";
import { sortByValueDesc } from "./top-k.js";

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

/**
 * Entropy and head of softmax(logits * invTemperature) in O(V).
 *
 * @example
 * const { entropy, ids, probs } = topMass(logits, { mass: 0.999, maxCount: 256 });
 */
export function topMass(logits: Float32Array, options: TopMassOptions): TopMass {
  const invT = options.invTemperature ?? 1;
  const row = loadRow(logits);
  const max = row.max();
  if (max === Number.NEGATIVE_INFINITY) throw new Error("topMass: every logit is -Infinity");
  const { z, moment, binMass, binCount } = row.softmaxStats(max, invT, true);
  const entropy = Math.log(z) - moment / z;

  // Smallest bin prefix that is certainly enough: mass reached or count cap reached.
  const target = options.mass * z;
  let lastBin = BIN_COUNT - 1;
  let cum = 0;
  let count = 0;
  for (let b = 0; b < BIN_COUNT; b++) {
    cum += (binMass as Float64Array)[b];
    count += (binCount as Int32Array)[b];
    if (cum >= target || count >= options.maxCount) {
      lastBin = b;
      break;
    }
  }
  // The bins hold float32 exponents; the threshold's margin covers their rounding.
  const threshold =
    lastBin === BIN_COUNT - 1 ? Number.NEGATIVE_INFINITY : max - ((lastBin + 1) / BINS_PER_NAT + 1e-3) / invT;
  const candidates = count >= options.maxCount ? null : row.collectAtLeast(threshold);
  // Everything above the threshold is a candidate, so when the cap binds the head is the row's top-k.
  const sorted =
    candidates === null || candidates.length > options.maxCount
      ? row.topK(options.maxCount)
      : sortByValueDesc(logits, candidates);

  // Exact prefix: stop at the first token that brings the mass to the target.
  let kept = 0;
  let mass = 0;
  const probs = new Float64Array(sorted.length);
  while (kept < sorted.length && kept < options.maxCount) {
    const p = expNonPositive((logits[sorted[kept]] - max) * invT) / z;
    probs[kept++] = p;
    mass += p;
    if (mass >= options.mass) break;
  }
  return { ids: sorted.slice(0, kept), probs: probs.slice(0, kept), mass, entropy };
}
