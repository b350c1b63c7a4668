/**
 * @module reference/ops
 * Float64 vector math shared by every reference architecture. Each function works on one row (one
 * position) and allocates its result; nothing here is clever, so each line can be checked by eye.
 */

/** A row-major matrix of `rows` x `cols` (PyTorch `nn.Linear.weight` layout: [out, in]). */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** y = W x for W [out, in], x [in] -> y [out] (PyTorch `F.linear` without bias). */
export function linear(w: Matrix, x: Float64Array): Float64Array {
  if (x.length !== w.cols) throw new Error(`linear: input has ${x.length} values, weight expects ${w.cols}`);
  const y = new Float64Array(w.rows);
  for (let r = 0; r < w.rows; r++) y[r] = dot(w.data.subarray(r * w.cols, (r + 1) * w.cols), x);
  return y;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}

export function mul(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v * b[i]);
}

export function scale(a: Float64Array, s: number): Float64Array {
  return a.map((v) => v * s);
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const silu = (x: number): number => x * sigmoid(x);
/** log(1 + e^x), written so it neither overflows nor loses x for large x (torch switches to x above 20). */
export const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** RMSNorm: x / sqrt(mean(x^2) + eps) * w. Offsets such as Qwen3.5's (1 + w) are folded into `w` by the caller. */
export function rmsNorm(x: Float64Array, w: Float64Array, eps: number): Float64Array {
  const inv = 1 / Math.sqrt(dot(x, x) / x.length + eps);
  return x.map((v, i) => v * inv * w[i]);
}

/** L2 normalisation as in transformers' `l2norm` (the FLA convention): x / sqrt(sum(x^2) + eps). */
export function l2Norm(x: Float64Array, eps: number): Float64Array {
  return scale(x, 1 / Math.sqrt(dot(x, x) + eps));
}

/** Numerically stable softmax over the whole row. */
export function softmax(x: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i]);
  const e = Float64Array.from(x, (v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/**
 * Rotary position embedding, NEOX / rotate-half layout (HF `apply_rotary_pos_emb`, llama.cpp
 * LLAMA_ROPE_TYPE_NEOX): the first `rotaryDim` values of `x` are split into halves and pair i with
 * i + rotaryDim/2 at angle pos * theta^(-2i/rotaryDim); values past `rotaryDim` pass through
 * (partial rotary). Returns a new row.
 */
export function rope(x: Float64Array, pos: number, rotaryDim: number, theta: number): Float64Array {
  if (rotaryDim % 2 !== 0 || rotaryDim > x.length)
    throw new Error(`rope: bad rotary dim ${rotaryDim} for ${x.length}`);
  const out = Float64Array.from(x);
  const half = rotaryDim / 2;
  for (let i = 0; i < half; i++) {
    const angle = pos * theta ** (-(2 * i) / rotaryDim);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    out[i] = x[i] * c - x[i + half] * s;
    out[i + half] = x[i + half] * c + x[i] * s;
  }
  return out;
}

/** Applies `f` to each of the `heads` consecutive slices of size `dim` in `x` and concatenates the results. */
export function perHead(
  x: Float64Array,
  heads: number,
  dim: number,
  f: (head: Float64Array, h: number) => Float64Array,
): Float64Array {
  if (x.length !== heads * dim)
    throw new Error(`perHead: ${x.length} values are not ${heads} heads of ${dim}`);
  const out = new Float64Array(x.length);
  for (let h = 0; h < heads; h++) out.set(f(x.subarray(h * dim, (h + 1) * dim), h), h * dim);
  return out;
}
