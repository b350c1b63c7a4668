/**
 * @module The numeric bounds of the conformance suite, each with the argument it rests on. None is a
 * figure read off one machine: llama.cpp picks a different CPU variant on each processor (AVX2 on one,
 * AVX-512 on another), and its kernels then sum in different orders and round differently.
 */

/**
 * Max |Δ log p| between the engine's F32 path and the float64 reference (tokens with p > 1e-6). The
 * acceptance number of the F32 conformance: float32 carries ~7 significant digits, and through a few
 * layers of 64-1024-term sums, norms and softmaxes the rounding stays orders of magnitude below 1e-3
 * nats (measured 9e-6 on attention models and 1.3e-4 to 1.5e-4 on the random hybrid bodies, on the
 * zen4, skylakex and haswell variants), while any wrong operation (a missed norm, a transposed weight,
 * a wrong RoPE base) moves log-probs by tenths of a nat or more.
 */
export const F32_VS_REFERENCE_LOGPROB = 1e-3;

/**
 * Max |Δ log p| between two F32 evaluations of the same positions that the engine schedules
 * differently (one sequence alone, or several sharing llama_decode calls). Each evaluation is within
 * F32_VS_REFERENCE_LOGPROB of the exact value, so by the triangle inequality they are within twice that
 * of each other. They are not bit-identical: which matmul kernel runs depends on the rows in the
 * micro-batch (one row: ggml's vec_dot; two or more: llamafile's tinyBLAS sgemm), and the kernels
 * accumulate in different orders; the result differs by about one float32 ulp at the first projection
 * and the model amplifies it as it amplifies any rounding. A batch that computes something else (a token
 * fed to the wrong sequence, sequences' state mixed) moves log-probs by far more (checked by the faults
 * in checks.ts).
 */
export const SAME_FUNCTION_LOGPROB = 2 * F32_VS_REFERENCE_LOGPROB;

/**
 * A top-1 flip between two distributions within b of each other in every log-prob can only swap tokens
 * whose log-probs were within 2b: the most a flip's margin may be.
 */
export function flipMarginBound(logprobBound: number): number {
  return 2 * logprobBound;
}
