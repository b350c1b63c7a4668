/**
 * @module The safetensors layout shared by reader and writer: an 8-byte little-endian header length,
 * a JSON header `{ "__metadata__"?: {..}, name: { dtype, shape, data_offsets: [begin, end] } }`, then
 * the data section; offsets are relative to the start of the data section.
 */

/** Float dtypes Rio reads and writes. */
export type FloatDtype = "F32" | "F16" | "BF16";

/** Bytes per element of each supported dtype. */
export const DTYPE_BYTES: Record<FloatDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/** Name, dtype and shape of one tensor (shape in PyTorch order, row-major). */
export interface TensorInfo {
  name: string;
  dtype: FloatDtype;
  shape: number[];
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Where a tensor's bytes live inside its file. */
export interface TensorLocation {
  info: TensorInfo;
  /** absolute byte offset in the file */
  offset: number;
  byteLength: number;
}
