/** @module Distances between next-token distributions, as the conformance checks report them. */

/** log-softmax in float64. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - logZ;
  return out;
}

function argmax(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}

/** Summary of `test` against `expected` over positions: the JSON line conformance prints. */
export interface Agreement {
  positions: number;
  /** max |log p_expected - log p_test| over entries with p_expected > 1e-6. */
  max_abs_logprob_diff: number;
  /** Fraction of positions whose argmax agrees. */
  top1_agreement: number;
  /**
   * Largest log-prob margin, in the expected distribution, between its top token and the token the test
   * ranked first, over the positions where the two differ (0 when every top-1 agrees). When every
   * |Δ log p| is at most b, a flip can only happen between tokens within 2b of each other.
   */
  top1_flip_margin: number;
  /** Mean KL(expected || test) in nats. */
  kl_mean: number;
  /** max |Δ logit| (raw logits). */
  max_abs_logit_diff: number;
}

/** Compares two lists of logits rows position by position (the vocabularies must have the same size). */
export function compareLogits(expected: ArrayLike<number>[], test: ArrayLike<number>[]): Agreement {
  if (expected.length !== test.length)
    throw new Error(`${expected.length} expected rows vs ${test.length} test rows`);
  let maxLogprob = 0;
  let maxLogit = 0;
  let agree = 0;
  let flipMargin = 0;
  let kl = 0;
  expected.forEach((row, t) => {
    const other = test[t];
    if (row.length !== other.length) throw new Error(`row ${t}: vocab ${row.length} vs ${other.length}`);
    const a = logSoftmax(row);
    const b = logSoftmax(other);
    for (let i = 0; i < a.length; i++) {
      maxLogit = Math.max(maxLogit, Math.abs(row[i] - other[i]));
      const p = Math.exp(a[i]);
      if (p > 1e-6) maxLogprob = Math.max(maxLogprob, Math.abs(a[i] - b[i]));
      if (p > 0) kl += p * (a[i] - b[i]);
    }
    const top = argmax(row);
    const otherTop = argmax(other);
    if (top === otherTop) agree++;
    else flipMargin = Math.max(flipMargin, a[top] - a[otherTop]);
  });
  return {
    positions: expected.length,
    max_abs_logprob_diff: maxLogprob,
    top1_agreement: agree / expected.length,
    top1_flip_margin: flipMargin,
    kl_mean: kl / expected.length,
    max_abs_logit_diff: maxLogit,
  };
}
