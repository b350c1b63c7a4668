/**
 * @module reference/delta-net
 * The two stateful pieces of a Gated DeltaNet layer (Qwen3-Next / Qwen3.5 `linear_attention`), one
 * token at a time: the causal depthwise conv1d with its rolling input window, and the gated delta-rule
 * recurrence (HF `torch_recurrent_gated_delta_rule`, llama.cpp `build_delta_net_autoregressive`).
 */

/**
 * One position of a causal depthwise conv1d without bias (HF `causal_conv1d_update`): with the window
 * [state[0], ..., state[K-2], x] (oldest first), out[c] = sum_j weight[c][j] * window[j][c], so the last
 * tap multiplies the current input. `weight` is the HF `conv1d.weight` [channels, 1, K] flattened. The
 * state rolls in place: it drops its oldest row and appends x.
 */
export function convStep(
  x: Float64Array,
  state: Float64Array[],
  weight: Float64Array,
  kernel: number,
): Float64Array {
  if (state.length !== kernel - 1)
    throw new Error(`conv1d: state has ${state.length} rows, kernel ${kernel} needs ${kernel - 1}`);
  const window = [...state, x];
  const out = new Float64Array(x.length);
  for (let c = 0; c < x.length; c++) {
    for (let j = 0; j < kernel; j++) out[c] += weight[c * kernel + j] * window[j][c];
  }
  state.splice(0, 1);
  state.push(Float64Array.from(x));
  return out;
}

/**
 * One token of the gated delta rule for one value head, updating the state S [d_k x d_v] (row-major,
 * S[i][j] at i * d_v + j) in place and returning the output o [d_v]:
 *   S <- exp(g) * S                      (decay first, g <= 0)
 *   delta = beta * (v - S^T k)           (what the decayed memory mispredicts for key k)
 *   S <- S + k delta^T                   (delta update)
 *   o = S^T q
 * q and k arrive L2-normalised, q already scaled by 1/sqrt(d_k).
 */
export function gatedDeltaStep(
  S: Float64Array,
  q: Float64Array,
  k: Float64Array,
  v: Float64Array,
  g: number,
  beta: number,
): Float64Array {
  const dk = k.length;
  const dv = v.length;
  if (S.length !== dk * dv || q.length !== dk)
    throw new Error(`delta rule: state ${S.length} does not fit d_k ${dk} x d_v ${dv}`);
  const decay = Math.exp(g);
  for (let i = 0; i < S.length; i++) S[i] *= decay;
  const delta = new Float64Array(dv);
  for (let j = 0; j < dv; j++) {
    let mem = 0;
    for (let i = 0; i < dk; i++) mem += S[i * dv + j] * k[i];
    delta[j] = beta * (v[j] - mem);
  }
  for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) S[i * dv + j] += k[i] * delta[j];
  const o = new Float64Array(dv);
  for (let i = 0; i < dk; i++) for (let j = 0; j < dv; j++) o[j] += S[i * dv + j] * q[i];
  return o;
}
