/**
 * @module Q8_0: blocks of 32 values stored as an f16 scale d = amax/127 and 32 int8 q = round(x/d)
 * (34 bytes). Bit-for-bit with ggml's quantize_row_q8_0_ref / dequantize_row_q8_0: every float
 * operation is rounded to f32 exactly where C does it (Math.fround), and rounding is roundf's
 * half-away-from-zero.
 */
import { f32ToF16Bits, halfTable } from "../float-convert.js";

export const Q8_0_BLOCK = 32;
export const Q8_0_BYTES = 34;

/** C roundf: nearest integer, ties away from zero. */
function roundf(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/** Quantises `x` (length a multiple of 32) to Q8_0 bytes. */
export function quantiseQ8_0(x: Float32Array): Uint8Array {
  if (x.length % Q8_0_BLOCK !== 0) throw new Error(`Q8_0 needs a multiple of 32 values, got ${x.length}`);
  const out = new Uint8Array((x.length / Q8_0_BLOCK) * Q8_0_BYTES);
  for (let block = 0; block < x.length / Q8_0_BLOCK; block++) {
    const base = block * Q8_0_BLOCK;
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(x[base + j]));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    const o = block * Q8_0_BYTES;
    const h = f32ToF16Bits(d);
    out[o] = h & 0xff;
    out[o + 1] = h >>> 8;
    for (let j = 0; j < Q8_0_BLOCK; j++) out[o + 2 + j] = roundf(Math.fround(x[base + j] * id)) & 0xff;
  }
  return out;
}

/** Dequantises `count` values (whole blocks) starting at block `firstBlock` of Q8_0 `bytes`. */
export function dequantiseQ8_0(
  bytes: Uint8Array,
  count: number,
  firstBlock = 0,
  out: Float32Array = new Float32Array(count),
): Float32Array {
  const table = halfTable();
  const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let block = 0; block < count / Q8_0_BLOCK; block++) {
    const o = (firstBlock + block) * Q8_0_BYTES;
    const d = table[bytes[o] | (bytes[o + 1] << 8)];
    const base = block * Q8_0_BLOCK;
    for (let j = 0; j < Q8_0_BLOCK; j++) out[base + j] = q[o + 2 + j] * d;
  }
  return out;
}
