/**
 * @module Order statistics of a list of measurements: a noise burst on a shared machine moves the mean, not
 * the median.
 */

/** The q-quantile (0 ≤ q ≤ 1), interpolating linearly between the two nearest order statistics. */
export function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}
