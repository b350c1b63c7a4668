/**
 * @module WebAssembly SIMD kernels (built from `assembly/`) for the per-step work JavaScript does too
 * slowly: full-vocabulary passes over a logits row, and weighted sums of embedding rows. Each has a plain
 * float64 reference in the tests.
 */
export { type LoadedRow, loadRow, type SoftmaxStats } from "./logits.js";
export { mixRows, ROW_MULTIPLE, type RowType } from "./mixture.js";
