// The recurrent gated delta rule (one token at a time, as the reference runs it) against a chunk-free
// full-sequence formulation: with G_t = g_1 + ... + g_t, the state is
//   S_t = e^{G_t} S_0 + sum_{s<=t} e^{G_t - G_s} k_s u_s^T,
// where the "new values" u solve the lower-triangular system (forward substitution, O(T^2))
//   u_t = beta_t (v_t - e^{G_t} S_0^T k_t - sum_{s<t} e^{G_t - G_s} (k_t . k_s) u_s),
// and o_t = e^{G_t} S_0^T q_t + sum_{s<=t} e^{G_t - G_s} (q_t . k_s) u_s. This is the UT form of HF's
// torch_chunk_gated_delta_rule with a single chunk spanning the whole sequence.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gatedDeltaStep } from "../../src/reference/delta-net.js";
import { dot, l2Norm } from "../../src/reference/ops.js";
import { maxDiff, random } from "./numeric.js";

/** S^T x for S [dk x dv] row-major. */
const readOut = (S: Float64Array, x: Float64Array, dv: number) => {
  const out = new Float64Array(dv);
  x.forEach((xi, i) => {
    for (let j = 0; j < dv; j++) out[j] += S[i * dv + j] * xi;
  });
  return out;
};

function fullSequence(
  S0: Float64Array,
  q: Float64Array[],
  k: Float64Array[],
  v: Float64Array[],
  g: number[],
  beta: number[],
) {
  const dv = v[0].length;
  const G: number[] = [];
  for (const [t, gt] of g.entries()) G.push((t > 0 ? G[t - 1] : 0) + gt);
  const u: Float64Array[] = [];
  const o: Float64Array[] = [];
  for (let t = 0; t < q.length; t++) {
    const init = readOut(S0, k[t], dv);
    const ut = v[t].map((vj, j) => vj - Math.exp(G[t]) * init[j]);
    for (let s = 0; s < t; s++) {
      const c = Math.exp(G[t] - G[s]) * dot(k[t], k[s]);
      u[s].forEach((us, j) => {
        ut[j] -= c * us;
      });
    }
    u.push(ut.map((x) => beta[t] * x));
    const ot = readOut(S0, q[t], dv).map((x) => Math.exp(G[t]) * x);
    for (let s = 0; s <= t; s++) {
      const c = Math.exp(G[t] - G[s]) * dot(q[t], k[s]);
      u[s].forEach((us, j) => {
        ot[j] += c * us;
      });
    }
    o.push(ot);
  }
  const T = q.length - 1;
  const S = S0.map((x) => Math.exp(G[T]) * x);
  for (let s = 0; s <= T; s++) {
    const c = Math.exp(G[T] - G[s]);
    k[s].forEach((ki, i) => {
      for (let j = 0; j < dv; j++) S[i * dv + j] += c * ki * u[s][j];
    });
  }
  return { o, S };
}

describe("gated delta rule", () => {
  for (const [dk, dv, T] of [
    [4, 4, 1],
    [8, 6, 11],
    [5, 9, 23],
  ]) {
    it(`recurrent steps equal the full-sequence formulation (d_k ${dk}, d_v ${dv}, ${T} tokens)`, () => {
      const rnd = random(dk * 100 + T);
      const row = (n: number) => Float64Array.from({ length: n }, rnd);
      const S0 = row(dk * dv);
      const q = Array.from({ length: T }, () => l2Norm(row(dk), 1e-6).map((x) => x / Math.sqrt(dk)));
      const k = Array.from({ length: T }, () => l2Norm(row(dk), 1e-6));
      const v = Array.from({ length: T }, () => row(dv));
      const g = Array.from({ length: T }, () => -0.8 * (1 + rnd())); // log decay in (-1.6, 0]
      const beta = Array.from({ length: T }, () => 0.5 * (1 + rnd()));

      const S = Float64Array.from(S0);
      const o = q.map((_, t) => gatedDeltaStep(S, q[t], k[t], v[t], g[t], beta[t]));
      const expected = fullSequence(S0, q, k, v, g, beta);
      assert.ok(maxDiff(o, expected.o) < 1e-12, `outputs differ by ${maxDiff(o, expected.o)}`);
      assert.ok(maxDiff([S], [expected.S]) < 1e-12, `states differ by ${maxDiff([S], [expected.S])}`);
    });
  }
});
