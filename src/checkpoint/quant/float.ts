/**
 * @module Plain float tensor encodings: F32 (little-endian copy), F16 and BF16 (round to nearest even,
 * via the checkpoint layer's float-convert).
 */
import { f32ToBf16, f32ToF16, halfTable } from "../float-convert.js";

/** Little-endian bytes of f32 values (a copy; every supported platform is little-endian). */
export function encodeF32(x: Float32Array): Uint8Array {
  return new Uint8Array(x.slice().buffer);
}

/** f32 values -> f16 bytes. */
export function encodeF16(x: Float32Array): Uint8Array {
  return new Uint8Array(f32ToF16(x).buffer);
}

/** f32 values -> bf16 bytes. */
export function encodeBF16(x: Float32Array): Uint8Array {
  return new Uint8Array(f32ToBf16(x).buffer);
}

/** Reads `count` f32 values starting at element `first`. */
export function decodeF32(
  bytes: Uint8Array,
  count: number,
  first = 0,
  out: Float32Array = new Float32Array(count),
): Float32Array {
  out.set(
    new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + first * 4, bytes.byteOffset + (first + count) * 4),
    ),
  );
  return out;
}

/** Reads `count` f16 values starting at element `first`. */
export function decodeF16(
  bytes: Uint8Array,
  count: number,
  first = 0,
  out: Float32Array = new Float32Array(count),
): Float32Array {
  const table = halfTable();
  for (let i = 0, o = first * 2; i < count; i++, o += 2) out[i] = table[bytes[o] | (bytes[o + 1] << 8)];
  return out;
}

/** Reads `count` bf16 values starting at element `first` (bf16 is the top half of an f32). */
export function decodeBF16(
  bytes: Uint8Array,
  count: number,
  first = 0,
  out: Float32Array = new Float32Array(count),
): Float32Array {
  const bits = new Uint32Array(out.buffer, out.byteOffset, count);
  for (let i = 0, o = first * 2; i < count; i++, o += 2) bits[i] = (bytes[o] | (bytes[o + 1] << 8)) << 16;
  return out;
}
