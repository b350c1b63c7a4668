/**
 * @module
 * Plain, slow, readable reference implementations of the decoding fast paths (full softmax, full sort),
 * used by the tests to check the fast code. Not a test file itself.
 */

import { Rng, type SamplingParams } from "../../src/decoding/index.js";

/** softmax(logits * invT) in float64 over the whole vocabulary. */
export function refSoftmax(logits: Float32Array, invT = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of logits) max = Math.max(max, x);
  const p = Float64Array.from(logits, (x) => Math.exp((x - max) * invT));
  const z = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / z);
}

/** -sum p log p, skipping zeros. */
export function refEntropy(p: Float64Array): number {
  let h = 0;
  for (const v of p) if (v > 0) h -= v * Math.log(v);
  return h;
}

/** Every id sorted by logit descending, ties by id ascending. */
export function refSortedIds(logits: Float32Array): number[] {
  return Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
}

/** Smallest most-likely prefix holding >= mass, capped at maxCount, plus the full entropy. */
export function refTopMass(logits: Float32Array, mass: number, maxCount: number, invT = 1) {
  const p = refSoftmax(logits, invT);
  const ids: number[] = [];
  const probs: number[] = [];
  let cum = 0;
  for (const id of refSortedIds(logits)) {
    if (ids.length >= maxCount || cum >= mass || logits[id] === Number.NEGATIVE_INFINITY) break;
    ids.push(id);
    probs.push(p[id]);
    cum += p[id];
  }
  return { ids, probs, mass: cum, entropy: refEntropy(p) };
}

/** Temperature, then top-k, top-p, min-p by masking the full sorted vocabulary, renormalised. */
export function refCandidates(
  logits: Float32Array,
  params: Pick<SamplingParams, "temperature" | "top_k" | "top_p" | "min_p">,
) {
  const invT = 1 / params.temperature;
  const filtered = params.top_k > 0 || params.top_p < 1 || params.min_p > 0;
  let ids = filtered ? refSortedIds(logits) : Array.from(logits.keys());
  ids = ids.filter((id) => logits[id] > Number.NEGATIVE_INFINITY);
  if (params.top_k > 0) ids = ids.slice(0, params.top_k);
  const renormalised = (kept: number[]) => {
    const max = Math.max(...kept.map((id) => logits[id]));
    const w = kept.map((id) => Math.exp((logits[id] - max) * invT));
    const z = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / z);
  };
  if (params.top_p < 1) {
    const p = renormalised(ids);
    let cum = 0;
    let keep = 0;
    while (keep < ids.length && cum < params.top_p) cum += p[keep++];
    ids = ids.slice(0, keep);
  }
  if (params.min_p > 0) {
    const p = renormalised(ids);
    const pmax = Math.max(...p);
    ids = ids.filter((_, i) => p[i] >= params.min_p * pmax);
  }
  return { ids, probs: renormalised(ids) };
}

/** The penalties written out per token over the whole vocabulary. */
export function refPenalties(
  logits: Float32Array,
  prompt: number[],
  generated: number[],
  params: Pick<
    SamplingParams,
    "repetition_penalty" | "presence_penalty" | "frequency_penalty" | "logit_bias"
  >,
): Float32Array {
  const out = new Float32Array(logits.length);
  for (let id = 0; id < logits.length; id++) {
    let x = logits[id];
    const count = generated.filter((g) => g === id).length;
    if (count > 0 || prompt.includes(id))
      x = x > 0 ? x / params.repetition_penalty : x * params.repetition_penalty;
    if (count > 0) x -= params.presence_penalty + params.frequency_penalty * count;
    const bias = params.logit_bias?.get(id);
    if (bias !== undefined) x += bias;
    out[id] = x;
  }
  return out;
}

/** Standard normal from two uniforms (Box-Muller). */
export function gaussian(next: () => number): number {
  const u = 1 - next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** Logits shapes met in practice: a dominant token, a few-way split, a spread head, a flat bulk. */
export type LogitsShape = "peaked" | "two-way" | "head50" | "head500" | "flat";

/**
 * Seeded synthetic logits over `vocab` ids: a N(0, s) bulk plus a head placed on random ids.
 * Rows are float32 like the engine's, so ties and rounding are realistic.
 */
export function syntheticLogits(shape: LogitsShape, vocab: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const next = () => rng.next();
  const pick = () => Math.floor(rng.next() * vocab);
  const bulk = shape === "flat" || shape === "head500" ? 3 : 2.5;
  const l = Float32Array.from({ length: vocab }, () => bulk * gaussian(next));
  if (shape === "peaked") l[pick()] += 25;
  if (shape === "two-way") {
    l[pick()] += 22;
    l[pick()] += 21;
  }
  if (shape === "head50") for (let i = 0; i < 50; i++) l[pick()] = 18 + 1.5 * gaussian(next);
  if (shape === "head500") for (let i = 0; i < 500; i++) l[pick()] = 12 + 2 * gaussian(next);
  return l;
}
