/**
 * @module
 * The filtered distribution a token is drawn from: logits / temperature, then top-k, top-p and min-p
 * (the order of Hugging Face's warpers and of the SwiReasoning reference), renormalised.
 * Top-k uses a partial selection; top-p without top-k widens a top-k until it holds the mass (`topMass`);
 * neither sorts the whole vocabulary.
 */

import { loadRow } from "../kernels/index.js";
import { expNonPositive } from "./fast-exp.js";
import type { SamplingParams } from "./sampling-params.js";
import { sortByValueDesc, topKIndices } from "./top-k.js";
import { topMass } from "./top-mass.js";

/** Tokens that survive the filters with their renormalised probabilities, in sampling order. */
export interface Candidates {
  ids: Int32Array;
  probs: Float64Array;
}

type FilterParams = Pick<SamplingParams, "temperature" | "top_k" | "top_p" | "min_p">;

/**
 * Candidates for a temperature > 0 draw. Sampling order is most likely first (ties by id ascending);
 * with no filter at all it is every id in id order.
 *
 * @example
 * const c = filterCandidates(logits, { temperature: 0.6, top_k: 20, top_p: 0.95, min_p: 0 });
 */
export function filterCandidates(logits: Float32Array, params: FilterParams): Candidates {
  if (!(params.temperature > 0))
    throw new Error("filterCandidates: temperature must be > 0 (use argmax for greedy)");
  const invT = 1 / params.temperature;
  let ids: Int32Array;
  let probs: Float64Array;
  if (params.top_k > 0) {
    ids = topKIndices(logits, params.top_k);
    probs = softmaxAt(logits, ids, invT);
    const keep = params.top_p < 1 ? nucleusLength(probs, params.top_p) : ids.length;
    ids = ids.subarray(0, keep);
    probs = probs.subarray(0, keep);
  } else if (params.top_p < 1) {
    const head = topMass(logits, { invTemperature: invT, mass: params.top_p, maxCount: logits.length });
    ids = head.ids;
    probs = head.probs;
  } else if (params.min_p > 0) {
    // min-p alone keeps logits within log(min_p) / invT of the max; collect with a margin, trim exactly below.
    const row = loadRow(logits);
    ids = sortByValueDesc(logits, row.collectAtLeast(row.max() + (Math.log(params.min_p) - 1e-6) / invT));
    probs = softmaxAt(logits, ids, invT);
  } else {
    return fullSoftmax(logits, invT);
  }
  if (params.min_p > 0) {
    // min-p compares with the top probability; the ratio does not depend on normalisation.
    const floor = params.min_p * probs[0];
    let keep = 1;
    while (keep < probs.length && probs[keep] >= floor) keep++;
    ids = ids.subarray(0, keep);
    probs = probs.subarray(0, keep);
  }
  return { ids, probs: normalise(probs) };
}

/**
 * Index of the candidate selected by a uniform draw `u` in [0, 1) (inverse CDF in sampling order).
 *
 * @example
 * const token = c.ids[pickCandidate(c, rng.next())];
 */
export function pickCandidate(c: Candidates, u: number): number {
  let cum = 0;
  for (let i = 0; i < c.probs.length; i++) {
    cum += c.probs[i];
    if (u < cum) return i;
  }
  return c.probs.length - 1; // rounding left u just above the total
}

/**
 * Id of the largest logit (lowest id on ties): the greedy choice.
 *
 * @example
 * argmax(new Float32Array([1, 5, 5])); // 1
 */
export function argmax(logits: Float32Array): number {
  const best = topKIndices(logits, 1);
  return best.length > 0 ? best[0] : 0; // every entry -Infinity: any id is as good
}

// Softmax restricted to `ids` (sorted descending, so ids[0] holds the max).
function softmaxAt(logits: Float32Array, ids: Int32Array, invT: number): Float64Array {
  const probs = new Float64Array(ids.length);
  const max = logits[ids[0]];
  for (let i = 0; i < ids.length; i++) probs[i] = expNonPositive((logits[ids[i]] - max) * invT);
  return normalise(probs);
}

// Smallest prefix whose cumulative probability reaches topP (probs sum to 1, sorted descending).
function nucleusLength(probs: Float64Array, topP: number): number {
  let cum = 0;
  for (let i = 0; i < probs.length; i++) {
    cum += probs[i];
    if (cum >= topP) return i + 1;
  }
  return probs.length;
}

function fullSoftmax(logits: Float32Array, invT: number): Candidates {
  const ids = new Int32Array(logits.length);
  const probs = new Float64Array(logits.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  for (let i = 0; i < logits.length; i++) {
    ids[i] = i;
    probs[i] = expNonPositive((logits[i] - max) * invT);
  }
  return { ids, probs: normalise(probs) };
}

function normalise(probs: Float64Array): Float64Array {
  let sum = 0;
  for (let i = 0; i < probs.length; i++) sum += probs[i];
  for (let i = 0; i < probs.length; i++) probs[i] /= sum;
  return probs;
}
