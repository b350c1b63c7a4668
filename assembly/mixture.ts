// Weighted sums of embedding-table rows for SwiReasoning's soft inputs: sum_r w_r * dequantise(row_r),
// dequantising exactly as ggml does (value = d * q in float32) but straight into the accumulators.
// Rows are copied contiguously to `rows` by the caller; weights are float32 at `weights`; the result
// (n float32 values) is written to `out`. Accumulation is float32, one block column at a time so the
// eight 4-lane accumulators stay in registers while the rows stream past.
// The plain float64 reference is mixtureToVector in src/decoding/mixture.ts.

const BLOCK: i32 = 32;

/** Q8_0 rows: per block of 32, a float16 scale d then 32 int8 q. */
export function mixQ8_0(rows: usize, count: i32, n: i32, weights: usize, out: usize): void {
  mixBlocks(rows, count, n, weights, out, 34, false);
}

/** Q4_0 rows: per block of 32, a float16 scale d then 16 bytes; value j is (low nibble of byte j) - 8,
 * value j + 16 is (high nibble of byte j) - 8. */
export function mixQ4_0(rows: usize, count: i32, n: i32, weights: usize, out: usize): void {
  mixBlocks(rows, count, n, weights, out, 18, true);
}

// Both block formats: a float16 scale, then 32 signed values (bytes, or nibbles biased by 8).
function mixBlocks(
  rows: usize,
  count: i32,
  n: i32,
  weights: usize,
  out: usize,
  blockBytes: usize,
  nibbles: bool,
): void {
  const rowBytes = <usize>(n / BLOCK) * blockBytes;
  const mask = i8x16.splat(0x0f);
  const eight = i8x16.splat(8);
  for (let b = 0; b < n / BLOCK; b++) {
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let a4 = a0;
    let a5 = a0;
    let a6 = a0;
    let a7 = a0;
    for (let r = 0; r < count; r++) {
      const block = rows + <usize>r * rowBytes + <usize>b * blockBytes;
      const s = f32x4.splat(load<f32>(weights + ((<usize>r) << 2)) * halfToFloat(load<u16>(block)));
      let first = v128.load(block + 2); // values 0..15
      let second: v128; // values 16..31
      if (nibbles) {
        second = i8x16.sub(i8x16.shr_u(first, 4), eight);
        first = i8x16.sub(v128.and(first, mask), eight);
      } else {
        second = v128.load(block + 18);
      }
      const l0 = i16x8.extend_low_i8x16_s(first);
      const h0 = i16x8.extend_high_i8x16_s(first);
      const l1 = i16x8.extend_low_i8x16_s(second);
      const h1 = i16x8.extend_high_i8x16_s(second);
      a0 = f32x4.add(a0, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(l0))));
      a1 = f32x4.add(a1, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(l0))));
      a2 = f32x4.add(a2, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(h0))));
      a3 = f32x4.add(a3, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(h0))));
      a4 = f32x4.add(a4, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(l1))));
      a5 = f32x4.add(a5, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(l1))));
      a6 = f32x4.add(a6, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(h1))));
      a7 = f32x4.add(a7, f32x4.mul(s, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(h1))));
    }
    storeBlock(out + ((<usize>b * BLOCK) << 2), a0, a1, a2, a3, a4, a5, a6, a7);
  }
}

/** F32 rows (n a multiple of 4). */
export function mixF32(rows: usize, count: i32, n: i32, weights: usize, out: usize): void {
  memory.fill(out, 0, (<usize>n) << 2);
  for (let r = 0; r < count; r++) {
    const row = rows + ((<usize>r * <usize>n) << 2);
    const w = f32x4.splat(load<f32>(weights + ((<usize>r) << 2)));
    for (let i = 0; i < n; i += 4) {
      const at = out + ((<usize>i) << 2);
      v128.store(at, f32x4.add(v128.load(at), f32x4.mul(w, v128.load(row + ((<usize>i) << 2)))));
    }
  }
}

/** F16 rows: one IEEE half per value. */
export function mixF16(rows: usize, count: i32, n: i32, weights: usize, out: usize): void {
  memory.fill(out, 0, (<usize>n) << 2);
  for (let r = 0; r < count; r++) {
    const row = rows + ((<usize>r * <usize>n) << 1);
    const w = load<f32>(weights + ((<usize>r) << 2));
    for (let i = 0; i < n; i++) {
      const at = out + ((<usize>i) << 2);
      store<f32>(at, load<f32>(at) + w * halfToFloat(load<u16>(row + ((<usize>i) << 1))));
    }
  }
}

/** BF16 rows: the high half of a float32 per value (n a multiple of 8). */
export function mixBF16(rows: usize, count: i32, n: i32, weights: usize, out: usize): void {
  memory.fill(out, 0, (<usize>n) << 2);
  for (let r = 0; r < count; r++) {
    const row = rows + ((<usize>r * <usize>n) << 1);
    const w = f32x4.splat(load<f32>(weights + ((<usize>r) << 2)));
    for (let i = 0; i < n; i += 8) {
      const halves = v128.load(row + ((<usize>i) << 1));
      const at = out + ((<usize>i) << 2);
      const low = i32x4.shl(i32x4.extend_low_i16x8_u(halves), 16);
      const high = i32x4.shl(i32x4.extend_high_i16x8_u(halves), 16);
      v128.store(at, f32x4.add(v128.load(at), f32x4.mul(w, low)));
      v128.store(at, f32x4.add(v128.load(at, 16), f32x4.mul(w, high)), 16);
    }
  }
}

function storeBlock(
  at: usize,
  a0: v128,
  a1: v128,
  a2: v128,
  a3: v128,
  a4: v128,
  a5: v128,
  a6: v128,
  a7: v128,
): void {
  v128.store(at, a0);
  v128.store(at, a1, 16);
  v128.store(at, a2, 32);
  v128.store(at, a3, 48);
  v128.store(at, a4, 64);
  v128.store(at, a5, 80);
  v128.store(at, a6, 96);
  v128.store(at, a7, 112);
}

// IEEE half to float, including subnormals, infinities and NaN (ggml's GGML_FP16_TO_FP32).
function halfToFloat(h: u16): f32 {
  const sign = (<u32>(h & 0x8000)) << 16;
  const exponent = <u32>(h >> 10) & 0x1f;
  const mantissa = <u32>h & 0x3ff;
  if (exponent === 0) {
    const magnitude = <f32>mantissa * 5.9604644775390625e-8; // 2^-24
    return sign ? -magnitude : magnitude;
  }
  if (exponent === 31) return reinterpret<f32>(sign | 0x7f800000 | (mantissa << 13));
  return reinterpret<f32>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}
