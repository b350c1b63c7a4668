/**
 * @module Weighted sums of embedding-table rows (assembly/mixture.ts): the soft inputs of SwiReasoning's
 * latent steps, computed from the stored (possibly quantised) rows in SIMD, with float32 accumulation.
 * A latent step mixes up to ~1000 rows; dequantising and adding them in JavaScript cost milliseconds.
 */
import { align16, claimScratch, kernels } from "./wasm.js";

/** Storage types of the rows {@link mixRows} reads, as ggml lays them out. */
export type RowType = "f32" | "f16" | "bf16" | "q8_0" | "q4_0";

const ROW_BYTES: Record<RowType, (n: number) => number> = {
  f32: (n) => n * 4,
  f16: (n) => n * 2,
  bf16: (n) => n * 2,
  q8_0: (n) => (n / 32) * 34,
  q4_0: (n) => (n / 32) * 18,
};

/** Values per row must be a multiple of this (whole blocks, whole SIMD lanes). */
export const ROW_MULTIPLE = 32;

/**
 * sum_i weights[i] * row(ids[i]) over a table of rows of `rowLength` values stored as `type` in `table`
 * (row r at byte r * rowBytes). Ids may repeat.
 *
 * @example
 * const v = mixRows(tokenEmbd, "q8_0", 1024, [17, 42], [0.75, 0.25]);
 */
export function mixRows(
  table: Uint8Array,
  type: RowType,
  rowLength: number,
  ids: ArrayLike<number>,
  weights: ArrayLike<number>,
): Float32Array {
  if (rowLength % ROW_MULTIPLE !== 0)
    throw new Error(`mixRows: rows of ${rowLength} values; expected a multiple of ${ROW_MULTIPLE}`);
  if (ids.length !== weights.length)
    throw new Error(`mixRows: ${ids.length} ids but ${weights.length} weights`);
  const rowBytes = ROW_BYTES[type](rowLength);
  const count = ids.length;
  const out = 0;
  const weightsAt = align16(out + rowLength * 4);
  const rowsAt = align16(weightsAt + count * 4);
  const scratch = claimScratch(rowsAt + count * rowBytes, "mixRows");
  const k = kernels();
  const memory = new Uint8Array(scratch.live());
  const base = scratch.base;
  const w = new Float32Array(memory.buffer, base + weightsAt, count);
  for (let i = 0; i < count; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || (id + 1) * rowBytes > table.length)
      throw new Error(`mixRows: row ${id} is outside the table of ${table.length / rowBytes} rows`);
    memory.set(table.subarray(id * rowBytes, (id + 1) * rowBytes), base + rowsAt + i * rowBytes);
    w[i] = weights[i];
  }
  const kernel = { f32: k.mixF32, f16: k.mixF16, bf16: k.mixBF16, q8_0: k.mixQ8_0, q4_0: k.mixQ4_0 }[type];
  kernel(base + rowsAt, count, rowLength, base + weightsAt, base + out);
  return new Float32Array(scratch.live(), base + out, rowLength).slice();
}
