// Hand-computed cases for the reference's building blocks.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { selfAttention } from "../../src/reference/attention.js";
import { KVCache } from "../../src/reference/cache.js";
import { Capture } from "../../src/reference/capture.js";
import { convStep, gatedDeltaStep } from "../../src/reference/delta-net.js";
import { l2Norm, linear, rmsNorm, rope, softmax, softplus } from "../../src/reference/ops.js";
import { random } from "./numeric.js";

const f64 = (...v: number[]) => Float64Array.from(v);
const close = (actual: ArrayLike<number>, expected: number[], tol = 1e-14) => {
  assert.equal(actual.length, expected.length);
  for (const [i, e] of expected.entries()) {
    assert.ok(Math.abs(actual[i] - e) <= tol, `[${i}] ${actual[i]} != ${e}`);
  }
};
const randomRow = (rnd: () => number, n: number) => Float64Array.from({ length: n }, rnd);

describe("reference ops", () => {
  it("linear multiplies by the [out, in] weight", () => {
    close(linear({ rows: 2, cols: 3, data: f64(1, 2, 3, 4, 5, 6) }, f64(1, 0, -1)), [-2, -2]);
    assert.throws(() => linear({ rows: 1, cols: 2, data: f64(1, 2) }, f64(1)), /expects 2/);
  });

  it("rmsNorm divides by the root mean square (plus eps) and scales by w", () => {
    close(
      rmsNorm(f64(1, 2, 3, 4), f64(1, 1, 2, 0.5), 0),
      [1, 2, 6, 2].map((v) => v / Math.sqrt(7.5)),
    );
    close(rmsNorm(f64(3, 4), f64(1, 1), 1), [3 / Math.sqrt(13.5), 4 / Math.sqrt(13.5)]);
  });

  it("l2Norm gives unit length and softplus is log(1 + e^x) without overflow", () => {
    close(l2Norm(f64(3, 4), 0), [0.6, 0.8]);
    close(
      [softplus(0), softplus(1), softplus(-50), softplus(1000)],
      [Math.LN2, Math.log(1 + Math.E), Math.exp(-50), 1000],
    );
  });

  it("softmax is exact on a hand case and shift-invariant", () => {
    close(softmax([0, Math.log(3)]), [0.25, 0.75]);
    close(softmax([1000, 1000 + Math.log(3)]), [0.25, 0.75], 1e-12); // 1000 + ln 3 carries ~1e-13 rounding
  });

  it("rope rotates pair (i, i + d/2) by pos * theta^(-2i/d) (NEOX layout)", () => {
    const [c1, s1, c2, s2] = [Math.cos(1), Math.sin(1), Math.cos(0.01), Math.sin(0.01)];
    close(rope(f64(1, 2, 3, 4), 1, 4, 10000), [
      1 * c1 - 3 * s1,
      2 * c2 - 4 * s2,
      3 * c1 + 1 * s1,
      4 * c2 + 2 * s2,
    ]);
    close(rope(f64(1, 2, 3, 4), 0, 4, 10000), [1, 2, 3, 4]);
    // partial rotary: only the first 2 dims rotate, at angle 2 * 100^0
    close(rope(f64(1, 2, 5, 6), 2, 2, 100), [
      Math.cos(2) - 2 * Math.sin(2),
      2 * Math.cos(2) + Math.sin(2),
      5,
      6,
    ]);
  });

  it("rope scores depend only on the relative position", () => {
    const rnd = random(7);
    const [q, k] = [randomRow(rnd, 16), randomRow(rnd, 16)];
    const score = (m: number, n: number) => {
      const [a, b] = [rope(q, m, 12, 1e4), rope(k, n, 12, 1e4)];
      return a.reduce((s, v, i) => s + v * b[i], 0);
    };
    assert.ok(Math.abs(score(5, 2) - score(105, 102)) < 1e-12, "score changed under a common shift");
    assert.ok(Math.abs(score(5, 2) - score(2, 5)) > 1e-3, "score ignores the sign of the offset");
  });

  it("convStep is a causal depthwise conv whose last tap meets the current input", () => {
    const weight = f64(1, 2, 3, 0, 0, 1); // [channels 2, 1, kernel 3]
    const state = [f64(0, 0), f64(0, 0)];
    close(convStep(f64(1, 10), state, weight, 3), [3, 10]);
    close(convStep(f64(2, 20), state, weight, 3), [2 + 6, 20]);
    close(convStep(f64(3, 30), state, weight, 3), [1 + 4 + 9, 30]);
    assert.deepEqual(state, [f64(2, 20), f64(3, 30)]);
  });

  it("gatedDeltaStep decays, then writes beta * (v - S^T k) along k", () => {
    const S = new Float64Array(2); // d_k 2, d_v 1
    close(gatedDeltaStep(S, f64(1, 0), f64(1, 0), f64(2), 0, 0.5), [1]);
    close(S, [1, 0]);
    close(gatedDeltaStep(S, f64(1, 0), f64(1, 0), f64(2), Math.log(0.5), 1), [2]);
    close(S, [2, 0]);
  });

  it("gatedDeltaStep with beta = 1 and a unit key stores v exactly at that key", () => {
    const rnd = random(3);
    const S = randomRow(rnd, 5 * 3);
    const k = l2Norm(randomRow(rnd, 5), 0);
    const v = randomRow(rnd, 3);
    const o = gatedDeltaStep(S, k, k, v, -0.3, 1);
    close(o, [...v], 1e-14);
  });

  it("selfAttention: causal, scaled by 1/sqrt(head_dim), gated by sigmoid(gate), on a hand case", () => {
    const eye = { rows: 2, cols: 2, data: f64(1, 0, 0, 1) };
    const weights = (gated: boolean) => ({
      // gated q_proj rows: [query (2), gate (2)]; zero gate rows give sigmoid(0) = 1/2
      q_proj: gated ? { rows: 4, cols: 2, data: f64(1, 0, 0, 1, 0, 0, 0, 0) } : eye,
      k_proj: eye,
      v_proj: eye,
      o_proj: eye,
      q_norm: f64(1, 1),
      k_norm: f64(1, 1),
    });
    const shape = (gated: boolean) => ({
      num_attention_heads: 1,
      num_key_value_heads: 1,
      head_dim: 2,
      rms_norm_eps: 0,
      rope_theta: 10000,
      rotaryDim: 0,
      gated,
    });
    // q = k = rmsNorm(x): [1, 1] and [sqrt 2, 0]; v = x. Position 1 scores: (sqrt 2, 2) / sqrt 2 = (1, sqrt 2)
    const [p0, p1] = softmax([1, Math.SQRT2]);
    const expected = [1, 1, p0 + 2 * p1, p0];
    for (const gated of [false, true]) {
      const cache = new KVCache();
      const out = selfAttention(
        [f64(1, 1), f64(2, 0)],
        0,
        weights(gated),
        shape(gated),
        cache,
        0,
        new Capture(new Set()),
      );
      close(
        [...out[0], ...out[1]],
        expected.map((v) => (gated ? v / 2 : v)),
      );
      assert.equal(cache.keys.length, 2);
    }
  });
});
