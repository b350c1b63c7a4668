/**
 * @module Q4_0: blocks of 32 values stored as an f16 scale d = max/-8 (max = the value of largest
 * magnitude, sign kept) and 32 4-bit codes q = min(15, trunc(x/d + 8.5)), value = (q - 8)·d (18 bytes).
 * Byte j holds value j in its low nibble and value j+16 in its high nibble. Bit-for-bit with ggml's
 * quantize_row_q4_0_ref / dequantize_row_q4_0 (f32 rounding via Math.fround where C rounds).
 */
import { f32ToF16Bits, halfTable } from "../float-convert.js";

export const Q4_0_BLOCK = 32;
export const Q4_0_BYTES = 18;

/** Quantises `x` (length a multiple of 32) to Q4_0 bytes. */
export function quantiseQ4_0(x: Float32Array): Uint8Array {
  if (x.length % Q4_0_BLOCK !== 0) throw new Error(`Q4_0 needs a multiple of 32 values, got ${x.length}`);
  const out = new Uint8Array((x.length / Q4_0_BLOCK) * Q4_0_BYTES);
  const code = (v: number, id: number): number =>
    Math.min(15, Math.trunc(Math.fround(Math.fround(v * id) + 8.5)));
  for (let block = 0; block < x.length / Q4_0_BLOCK; block++) {
    const base = block * Q4_0_BLOCK;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < Q4_0_BLOCK; j++) {
      const v = x[base + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    const o = block * Q4_0_BYTES;
    const h = f32ToF16Bits(d);
    out[o] = h & 0xff;
    out[o + 1] = h >>> 8;
    for (let j = 0; j < Q4_0_BLOCK / 2; j++) {
      out[o + 2 + j] = code(x[base + j], id) | (code(x[base + 16 + j], id) << 4);
    }
  }
  return out;
}

/** Dequantises `count` values (whole blocks) starting at block `firstBlock` of Q4_0 `bytes`. */
export function dequantiseQ4_0(
  bytes: Uint8Array,
  count: number,
  firstBlock = 0,
  out: Float32Array = new Float32Array(count),
): Float32Array {
  const table = halfTable();
  for (let block = 0; block < count / Q4_0_BLOCK; block++) {
    const o = (firstBlock + block) * Q4_0_BYTES;
    const d = table[bytes[o] | (bytes[o + 1] << 8)];
    const base = block * Q4_0_BLOCK;
    for (let j = 0; j < Q4_0_BLOCK / 2; j++) {
      const byte = bytes[o + 2 + j];
      out[base + j] = ((byte & 0x0f) - 8) * d;
      out[base + j + 16] = ((byte >>> 4) - 8) * d;
    }
  }
  return out;
}
