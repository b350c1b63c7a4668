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

/** y = W x (+ b) for W [out, in], x [in] -> y [out] (PyTorch `F.linear`). */
export function linear(w: Matrix, x: Float64Array, bias?: Float64Array): Float64Array {
  if (x.length !== w.cols) throw new Error(`linear: input has ${x.length} values, weight expects ${w.cols}`);
  const y = new Float64Array(w.rows);
  for (let r = 0; r < w.rows; r++)
    y[r] = dot(w.data.subarray(r * w.cols, (r + 1) * w.cols), x) + (bias?.[r] ?? 0);
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
/** GELU with the tanh approximation (HF `gelu_pytorch_tanh`, ggml `ggml_gelu`). */
export const geluTanh = (x: number): number =>
  0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
/** Exact GELU, x * Phi(x) = x/2 (1 + erf(x / sqrt 2)) (PyTorch `nn.GELU()`, ggml `ggml_gelu_erf`). */
export const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

/**
 * erf to ~1e-16 absolute: 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (2n+1)!! (Abramowitz & Stegun
 * 7.1.6), whose terms are all positive, so nothing cancels; past |x| = 6, 1 - |erf| < 3e-17.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let n = 1; term > 1e-17 * sum; n++) {
    term *= (2 * a * a) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}

/** log(1 + e^x), written so it neither overflows nor loses x for large x (torch switches to x above 20). */
export const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** RMSNorm: x / sqrt(mean(x^2) + eps) * w. Offsets such as Qwen3.5's (1 + w) are folded into `w` by the caller. */
export function rmsNorm(x: Float64Array, w: Float64Array, eps: number): Float64Array {
  const inv = 1 / Math.sqrt(dot(x, x) / x.length + eps);
  return x.map((v, i) => v * inv * w[i]);
}

/** LayerNorm: (x - mean) / sqrt(var + eps) * w + b, with the biased (population) variance as in PyTorch. */
export function layerNorm(x: Float64Array, w: Float64Array, b: Float64Array, eps: number): Float64Array {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const centred = x.map((v) => v - mean);
  const inv = 1 / Math.sqrt(dot(centred, centred) / x.length + eps);
  return centred.map((v, i) => v * inv * w[i] + b[i]);
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
 * Rotate-half rotation (HF `rotate_half`, llama.cpp NEOX pairs): value i is paired with i + n and the
 * pair is rotated by `angles[i]`, n = angles.length; values past 2n pass through (partial rotary).
 * Every RoPE variant below differs only in its angles. Returns a new row.
 */
export function rotateHalf(x: Float64Array, angles: Float64Array): Float64Array {
  const half = angles.length;
  if (2 * half > x.length) throw new Error(`rope: bad rotary dim ${2 * half} for ${x.length}`);
  const out = Float64Array.from(x);
  for (let i = 0; i < half; i++) {
    const c = Math.cos(angles[i]);
    const s = Math.sin(angles[i]);
    out[i] = x[i] * c - x[i + half] * s;
    out[i + half] = x[i + half] * c + x[i] * s;
  }
  return out;
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
  const angles = Float64Array.from(
    { length: rotaryDim / 2 },
    (_, i) => pos * theta ** (-(2 * i) / rotaryDim),
  );
  return rotateHalf(x, angles);
}

/** One position of the multimodal RoPE: temporal, height, width (HF position_ids[0], [1], [2]). */
export type MRopePosition = readonly [t: number, h: number, w: number];

/**
 * The position row (0 = t, 1 = h, 2 = w) that rotary frequency i takes in the *interleaved* M-RoPE of
 * Qwen3-VL / Qwen3.5 (HF `apply_interleaved_mrope`: start from t everywhere, then frequencies
 * 1, 4, 7, ... below 3 * section[1] take h and 2, 5, 8, ... below 3 * section[2] take w). With
 * Qwen3.5's [11, 11, 10] over 32 frequencies: h at 1, 4, ..., 31; w at 2, 5, ..., 29; t at 0, 3, ..., 30.
 */
export function mropeRow(i: number, section: readonly number[]): 0 | 1 | 2 {
  if (i % 3 === 1 && i < 3 * section[1]) return 1;
  if (i % 3 === 2 && i < 3 * section[2]) return 2;
  return 0;
}

/**
 * Interleaved M-RoPE: as {@link rope}, but frequency i's angle is pos[mropeRow(i)] * theta^(-2i/rotaryDim).
 * With t = h = w = p it is exactly `rope(x, p, ...)` (same angles, same arithmetic).
 */
export function mrope(
  x: Float64Array,
  pos: MRopePosition,
  rotaryDim: number,
  theta: number,
  section: readonly number[],
): Float64Array {
  if (rotaryDim % 2 !== 0 || rotaryDim > x.length)
    throw new Error(`mrope: bad rotary dim ${rotaryDim} for ${x.length}`);
  const angles = Float64Array.from(
    { length: rotaryDim / 2 },
    (_, i) => pos[mropeRow(i, section)] * theta ** (-(2 * i) / rotaryDim),
  );
  return rotateHalf(x, angles);
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
