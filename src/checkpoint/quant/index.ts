/**
 * @module Quantise and dequantise by ggml type: F32, F16, BF16, Q8_0, Q4_0, matching ggml's reference
 * quantisers and dequantize_row_* exactly.
 */
import { GgmlType, ggmlTypeName } from "../gguf/types.js";
import { decodeBF16, decodeF16, decodeF32, encodeBF16, encodeF16, encodeF32 } from "./float.js";
import { dequantiseQ4_0, Q4_0_BLOCK, quantiseQ4_0 } from "./q4_0.js";
import { dequantiseQ8_0, Q8_0_BLOCK, quantiseQ8_0 } from "./q8_0.js";

export { decodeBF16, decodeF16, decodeF32, encodeBF16, encodeF16, encodeF32 } from "./float.js";
export { dequantiseQ4_0, quantiseQ4_0 } from "./q4_0.js";
export { dequantiseQ8_0, quantiseQ8_0 } from "./q8_0.js";

/** The ggml types Rio can write and read back as floats. */
export type SupportedType =
  | typeof GgmlType.F32
  | typeof GgmlType.F16
  | typeof GgmlType.BF16
  | typeof GgmlType.Q8_0
  | typeof GgmlType.Q4_0;

type Decoder = (bytes: Uint8Array, count: number, first: number, out: Float32Array) => Float32Array;
const CODECS: Record<number, { block: number; encode: (x: Float32Array) => Uint8Array; decode: Decoder }> = {
  [GgmlType.F32]: { block: 1, encode: encodeF32, decode: decodeF32 },
  [GgmlType.F16]: { block: 1, encode: encodeF16, decode: decodeF16 },
  [GgmlType.BF16]: { block: 1, encode: encodeBF16, decode: decodeBF16 },
  [GgmlType.Q8_0]: { block: Q8_0_BLOCK, encode: quantiseQ8_0, decode: dequantiseQ8_0 },
  [GgmlType.Q4_0]: { block: Q4_0_BLOCK, encode: quantiseQ4_0, decode: dequantiseQ4_0 },
};

function codec(type: number): (typeof CODECS)[number] {
  const c = CODECS[type];
  if (!c) throw new Error(`no quantiser/dequantiser for ggml type ${ggmlTypeName(type) ?? type}`);
  return c;
}

/** Encodes f32 values as `type` bytes. */
export function quantise(type: SupportedType, x: Float32Array): Uint8Array {
  return codec(type).encode(x);
}

/** Decodes the first `count` values of `type` bytes (whole blocks for Q8_0/Q4_0). */
export function dequantise(type: SupportedType, bytes: Uint8Array, count: number): Float32Array {
  return codec(type).decode(bytes, count, 0, new Float32Array(count));
}

/**
 * Decodes row `rowIndex` of a row-major tensor whose rows hold `rowLength` values (e.g. one token's
 * embedding from token_embd.weight), exactly as ggml's get_rows does. Only that row's bytes are touched.
 * @example const e = dequantiseRow(GgmlType.Q8_0, tokenEmbdBytes, tokenId, nEmbd);
 */
export function dequantiseRow(
  type: SupportedType,
  bytes: Uint8Array,
  rowIndex: number,
  rowLength: number,
  out: Float32Array = new Float32Array(rowLength),
): Float32Array {
  const c = codec(type);
  if (rowLength % c.block !== 0)
    throw new Error(
      `row length ${rowLength} is not a multiple of the ${ggmlTypeName(type)} block size ${c.block}`,
    );
  // element offset for plain floats, block offset for block types
  return c.decode(bytes, rowLength, (rowIndex * rowLength) / c.block, out);
}
