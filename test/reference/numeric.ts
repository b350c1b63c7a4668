/** Small numeric helpers shared by the reference tests (no checkpoint dependency). */

/** Deterministic uniform [-1, 1) generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  };
}

/** Largest absolute difference between two lists of rows. */
export function maxDiff(a: Float64Array[], b: Float64Array[]): number {
  if (a.length !== b.length) throw new Error(`row counts differ: ${a.length} vs ${b.length}`);
  let m = 0;
  a.forEach((r, t) => {
    if (r.length !== b[t].length) throw new Error(`row ${t} lengths differ: ${r.length} vs ${b[t].length}`);
    r.forEach((v, i) => {
      m = Math.max(m, Math.abs(v - b[t][i]));
    });
  });
  return m;
}
