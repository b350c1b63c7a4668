/**
 * Differential test: a direct, dense, single-sequence transcription of the authors' reference loop
 * (`generate_swir` in sdc17/SwiReasoning generation_utils.py: full softmax, dense p @ E, vector
 * mixing in the reference's order) against SwiReasoningController + mixtureToVector, on random
 * scripted episodes. soft_epsilon = 0 makes the sparse soft embedding the full sum (no tail term), so
 * fed vectors must agree to float32 rounding. The window is kept above the termination length so an injection
 * never overlaps latent mode (the one place where Rio feeds a forced token as a token and the
 * reference would feed the soft vector).
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  meanEmbeddingRow,
  mixtureToVector,
  Rng,
  SwiReasoningController,
  swirParams,
} from "../../src/decoding/index.js";
import { END, EOS, FAKE_VOCAB, LB, MATH, ScriptedSampler, TERMINATION, THINK, VOCAB } from "./fake-model.js";
import { gaussian, refEntropy, refSoftmax } from "./reference.js";

const HIDDEN = 16;

interface Episode {
  rows: Float32Array[];
  tokens: number[];
  params: {
    max_new_tokens: number;
    window: number;
    alpha0: number;
    beta0: number;
    max_switch_count: number | null;
  };
}

/** The reference loop for one sequence; returns the emitted tokens and fed vectors. */
function referenceLoop(ep: Episode, E: Float32Array[]) {
  const { max_new_tokens: max, window, alpha0, beta0, max_switch_count: n } = ep.params;
  const row = (id: number) => Float64Array.from(E[id]);
  const mix = (a: number, x: Float64Array, b: number, y: Float64Array) => x.map((v, j) => a * v + b * y[j]);
  let mode = 0; // 0 soft, 1 normal
  let stay = 0;
  let locked = false;
  let ref = 0;
  let count = 0;
  let queue: number[] = [];
  let budget = -1;
  const tokens: number[] = [];
  const fed: Float64Array[] = [];
  for (let step = 0; step < max; step++) {
    const p = refSoftmax(ep.rows[step]);
    let next = ep.tokens[step];
    locked = locked || next === END;
    if (n !== null && queue.length > 0) next = queue.shift() as number;
    const h = refEntropy(p);
    let toNormal = false;
    let toSoft = false;
    if (step === 0) ref = h;
    else {
      stay++;
      toNormal = mode === 0 && h < ref;
      toSoft = mode === 1 && h > ref && stay >= window && !locked;
      if (toNormal) mode = 1;
      if (toSoft) mode = 0;
      if (toNormal || toSoft) {
        stay = 0;
        ref = h;
      }
      if (toNormal) count++;
    }
    const isNormal = mode === 1 || locked || MATH.has(next);
    let normal = row(next);
    let soft = new Float64Array(HIDDEN);
    for (let i = 0; i < VOCAB; i++) for (let j = 0; j < HIDDEN; j++) soft[j] += p[i] * E[i][j];
    const alpha = alpha0 + ((1 - alpha0) * step) / max;
    if (step === 0) soft = mix(0.9, soft, 0.1, row(LB));
    else if (toSoft) soft = mix(alpha, soft, 1 - alpha, row(THINK));
    const beta = beta0 + ((1 - beta0) * step) / max;
    if (step > 0 && toNormal) normal = mix(beta, soft, 1 - beta, row(END));
    fed.push(isNormal ? normal : soft);
    if (n !== null && step > 0) {
      if (count >= n && count <= 2 * n && toNormal) queue = [END];
      if (count > 2 * n && toNormal) {
        queue = [...TERMINATION];
        budget = 32;
      }
      if (budget >= 0) budget--;
    }
    tokens.push(next);
    if (next === EOS || (n !== null && budget === 0)) break;
  }
  return { tokens, fed };
}

function randomEpisode(rng: Rng): Episode {
  const max = 80;
  const rows = Array.from({ length: max }, () => {
    const scale = 0.5 + 6 * rng.next();
    return Float32Array.from({ length: VOCAB }, () => scale * gaussian(() => rng.next()));
  });
  const tokens = Array.from({ length: max }, () => {
    const u = rng.next();
    if (u < 0.03) return END;
    if (u < 0.035) return EOS;
    if (u < 0.25) return 10 + Math.floor(rng.next() * 10); // math
    return Math.floor(rng.next() * 40);
  });
  const switchCounts = [null, 1, 2];
  return {
    rows,
    tokens,
    params: {
      max_new_tokens: max,
      window: 5 + Math.floor(rng.next() * 4),
      alpha0: rng.next(),
      beta0: rng.next(),
      max_switch_count: switchCounts[Math.floor(rng.next() * 3)],
    },
  };
}

test("SwiReasoningController + mixtureToVector reproduce the reference loop on random episodes", () => {
  const rng = new Rng(2026);
  const E = Array.from({ length: VOCAB }, () =>
    Float32Array.from({ length: HIDDEN }, () => 0.02 * gaussian(() => rng.next())),
  );
  const embeddingRow = (id: number, out: Float32Array) => out.set(E[id]);
  const mean = meanEmbeddingRow(embeddingRow, VOCAB, HIDDEN);
  let switchedEpisodes = 0;
  for (let episode = 0; episode < 150; episode++) {
    const ep = randomEpisode(rng);
    const expected = referenceLoop(ep, E);
    const controller = new SwiReasoningController(
      swirParams({ ...ep.params, stop_token_ids: [EOS], soft_epsilon: 0, soft_max_terms: VOCAB }),
      FAKE_VOCAB,
    );
    const sampler = new ScriptedSampler(ep.tokens);
    const tokens: number[] = [];
    for (let t = 0; t < ep.rows.length; t++) {
      const r = controller.step(ep.rows[t], sampler);
      tokens.push(r.tokenId);
      const v =
        r.fed.kind === "token" ? E[r.fed.id] : mixtureToVector(r.fed.terms, embeddingRow, HIDDEN, mean);
      const want = expected.fed[t];
      const err = Math.hypot(...v.map((x, j) => x - want[j])) / Math.hypot(...want);
      assert.ok(err < 1e-6, `episode ${episode} step ${t}: relative error ${err}`);
      if (r.stop) break;
    }
    assert.deepEqual(tokens, expected.tokens, `episode ${episode} tokens`);
    if (controller.switchCount > 2) switchedEpisodes++;
  }
  assert.ok(switchedEpisodes > 20, `episodes reaching switch control: ${switchedEpisodes}`);
});
