/**
 * @module
 * Full-vocabulary softmax statistics in three linear passes, without sorting the vocabulary:
 * the entropy, and the smallest set of most likely tokens holding a target share of the mass.
 * Pass 1 finds the max; pass 2 sums exp (the partition Z), the entropy moment and a histogram of mass
 * by log-probability bin; the histogram tells which logit threshold is enough to reach the target, and
 * pass 3 collects only the tokens above it, which are then sorted (they are few unless the
 * distribution is nearly flat, when the count cap applies through a partial selection instead).
 */

import { expNonPositive } from "./fast-exp.js";
import { sortByValueDesc, topKIndices } from "./top-k.js";

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

const BIN_WIDTH = 0.25; // nats of log-probability per histogram bin
const BINS_PER_NAT = 1 / BIN_WIDTH;
const BIN_COUNT = 160; // 40 nats; everything less likely than e^-40 of the top shares the last bin

/**
 * Entropy and head of softmax(logits * invTemperature) in O(V).
 *
 * @example
 * const { entropy, ids, probs } = topMass(logits, { mass: 0.999, maxCount: 256 });
 */
export function topMass(logits: Float32Array, options: TopMassOptions): TopMass {
  const invT = options.invTemperature ?? 1;
  const n = logits.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
  if (max === Number.NEGATIVE_INFINITY) throw new Error("topMass: every logit is -Infinity");

  const binMass = new Float64Array(BIN_COUNT);
  const binCount = new Int32Array(BIN_COUNT);
  let z = 0;
  let moment = 0; // sum of e^y * y, for the entropy
  for (let i = 0; i < n; i++) {
    const y = (logits[i] - max) * invT;
    if (y === Number.NEGATIVE_INFINITY) continue;
    const e = expNonPositive(y);
    z += e;
    moment += e * y;
    const b = Math.min(BIN_COUNT - 1, Math.floor(-y * BINS_PER_NAT));
    binMass[b] += e;
    binCount[b]++;
  }
  const entropy = Math.log(z) - moment / z;

  // Smallest bin prefix that is certainly enough: mass reached or count cap reached.
  const target = options.mass * z;
  let lastBin = BIN_COUNT - 1;
  let cum = 0;
  let count = 0;
  for (let b = 0; b < BIN_COUNT; b++) {
    cum += binMass[b];
    count += binCount[b];
    if (cum >= target || count >= options.maxCount) {
      lastBin = b;
      break;
    }
  }
  const candidates = collectAbove(
    logits,
    lastBin === BIN_COUNT - 1 ? Number.NEGATIVE_INFINITY : max - ((lastBin + 1) * BIN_WIDTH + 1e-6) / invT,
  );
  const sorted =
    candidates.length > options.maxCount
      ? topKIndices(logits, options.maxCount, candidates)
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

// Ids (ascending) whose logit is >= threshold and finite.
function collectAbove(logits: Float32Array, threshold: number): Int32Array {
  let count = 0;
  for (let i = 0; i < logits.length; i++)
    if (logits[i] >= threshold && logits[i] > Number.NEGATIVE_INFINITY) count++;
  const out = new Int32Array(count);
  let w = 0;
  for (let i = 0; i < logits.length; i++)
    if (logits[i] >= threshold && logits[i] > Number.NEGATIVE_INFINITY) out[w++] = i;
  return out;
}
