// SIMD kernels over one logits row (AssemblyScript, compiled to WebAssembly by `npm run build`).
// JavaScript has no SIMD and V8's Math.exp costs ~20 ns here, so the full-vocabulary passes of every
// decoding step (max, softmax statistics, threshold collection, top-k) run here instead, 4 lanes at a time.
// The caller owns the memory layout: it copies the row in and passes byte offsets (see src/decoding/logits-kernels.ts).
// The plain float64 references these are tested against live in test/decoding/reference.ts.

const MIN_Y: f32 = -87.0; // e^-87 is the smallest normal float32 power this exp builds; below it e^y counts as 0

/** First byte the caller may use (after this module's static data). */
export function scratchBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Largest of n float32 values at `row` (-Infinity for n = 0; the row holds no NaN). */
export function maxOf(row: usize, n: i32): f32 {
  // pmax is one x86 instruction (f32x4.max adds NaN handling); two accumulators hide its latency.
  let a = f32x4.splat(-Infinity);
  let b = a;
  const whole = n & ~7;
  for (let i = 0; i < whole; i += 8) {
    a = f32x4.pmax(a, v128.load(row + ((<usize>i) << 2)));
    b = f32x4.pmax(b, v128.load(row + ((<usize>i) << 2), 16));
  }
  a = f32x4.pmax(a, b);
  let m = max(
    max(f32x4.extract_lane(a, 0), f32x4.extract_lane(a, 1)),
    max(f32x4.extract_lane(a, 2), f32x4.extract_lane(a, 3)),
  );
  for (let i = whole; i < n; i++) m = max(m, load<f32>(row + ((<usize>i) << 2)));
  return m;
}

// e^y for y <= 0, 4 lanes: Cephes' expf (range reduction by ln 2 in two parts, degree-5 polynomial),
// relative error ~2 ulp of float32. Lanes below MIN_Y (including -Infinity) give 0. Rounding to the
// nearest n and building 2^n both go through the float32 bits of x log2(e) + 1.5 * 2^23 (ROUNDER).
const ROUNDER: f32 = 12582912.0;
function expNonPositive4(y: v128): v128 {
  const alive = f32x4.ge(y, f32x4.splat(MIN_Y));
  const x = f32x4.pmax(y, f32x4.splat(MIN_Y));
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(<f32>Math.LOG2E)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.1219444e-4)));
  let p = f32x4.splat(1.98756915e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  // The low bits of `shifted` are n + 0x400000 (its float32 bits are 0x4B400000 + n): rebias to 127.
  const scale = i32x4.shl(i32x4.add(shifted, i32x4.splat(127 - 0x4b400000)), 23);
  return v128.and(f32x4.mul(p, scale), alive);
}

/**
 * Softmax statistics of y = (row - rowMax) * invT: writes Z = sum e^y and M = sum e^y * y (float64) at
 * `out` and `out + 8`. Four float64 accumulators keep the additions off one dependency chain.
 */
export function softmaxStats(row: usize, n: i32, rowMax: f32, invT: f32, out: usize): void {
  const shift = f32x4.splat(rowMax);
  const scale = f32x4.splat(invT);
  let zLow = f64x2.splat(0);
  let zHigh = zLow;
  let mLow = zLow;
  let mHigh = zLow;
  const whole = n & ~3;
  for (let i = 0; i < whole; i += 4) {
    const y = f32x4.mul(f32x4.sub(v128.load(row + ((<usize>i) << 2)), shift), scale);
    const e = expNonPositive4(y);
    const ey = f32x4.mul(e, f32x4.pmax(y, f32x4.splat(MIN_Y)));
    zLow = f64x2.add(zLow, f64x2.promote_low_f32x4(e));
    zHigh = f64x2.add(zHigh, f64x2.promote_low_f32x4(i64x2.shuffle(e, e, 1, 0)));
    mLow = f64x2.add(mLow, f64x2.promote_low_f32x4(ey));
    mHigh = f64x2.add(mHigh, f64x2.promote_low_f32x4(i64x2.shuffle(ey, ey, 1, 0)));
  }
  let z =
    f64x2.extract_lane(zLow, 0) +
    f64x2.extract_lane(zLow, 1) +
    f64x2.extract_lane(zHigh, 0) +
    f64x2.extract_lane(zHigh, 1);
  let moment =
    f64x2.extract_lane(mLow, 0) +
    f64x2.extract_lane(mLow, 1) +
    f64x2.extract_lane(mHigh, 0) +
    f64x2.extract_lane(mHigh, 1);
  for (let i = whole; i < n; i++) {
    const y = (load<f32>(row + ((<usize>i) << 2)) - rowMax) * invT;
    const e = f32x4.extract_lane(expNonPositive4(f32x4.splat(y)), 0);
    z += <f64>e;
    moment += <f64>(e * max(y, MIN_Y));
  }
  store<f64>(out, z);
  store<f64>(out + 8, moment);
}

/** Writes, ascending, the ids whose value is >= threshold and finite to `out`; returns their count. */
export function collectAtLeast(row: usize, n: i32, threshold: f32, out: usize): i32 {
  const low = max(threshold, -f32.MAX_VALUE); // so -Infinity entries never pass
  const floor = f32x4.splat(low);
  let end = out;
  const whole = n & ~3;
  for (let i = 0; i < whole; i += 4) {
    const mask = i32x4.bitmask(f32x4.ge(v128.load(row + ((<usize>i) << 2)), floor));
    if (mask === 0) continue;
    for (let lane = 0; lane < 4; lane++) {
      if (!(mask & (1 << lane))) continue;
      store<i32>(end, i + lane);
      end += 4;
    }
  }
  for (let i = whole; i < n; i++) {
    if (!(load<f32>(row + ((<usize>i) << 2)) >= low)) continue;
    store<i32>(end, i);
    end += 4;
  }
  return <i32>((end - out) >> 2);
}

/**
 * The k largest finite values' ids, written to `out` sorted by value descending, ties by id ascending;
 * returns how many (fewer than k when the row has fewer finite entries). `heap` needs n * 8 bytes.
 * For k well below n the candidates are first cut by a threshold estimated from every SAMPLE_STRIDE-th
 * entry (a too-high estimate is detected and lowered), so the exact selection runs over a few k entries.
 */
export function topK(row: usize, n: i32, k: i32, heap: usize, out: usize): i32 {
  if (k <= 0 || n <= 0) return 0;
  if (<i64>k * SAMPLE_STRIDE * 2 > <i64>n) return selectTop(row, 0, n, k, heap, out);
  // The samples sit in the heap area's second half; their own selection and the final one use the first.
  const samples = n / SAMPLE_STRIDE;
  const sampleRow = heap + ((<usize>n) << 2);
  for (let j = 0; j < samples; j++)
    store<f32>(sampleRow + ((<usize>j) << 2), load<f32>(row + ((<usize>(j * SAMPLE_STRIDE)) << 2)));
  // Aim for about twice the expected count of entries above the sampled k-th value.
  for (let want = (2 * k) / SAMPLE_STRIDE + 8; want < samples; want *= 4) {
    const got = selectTop(sampleRow, 0, samples, want, heap, out);
    if (got < want) break; // too few finite entries to estimate from
    const threshold = load<f32>(sampleRow + ((<usize>load<i32>(out + ((<usize>(got - 1)) << 2))) << 2));
    const count = collectAtLeast(row, n, threshold, out);
    if (count >= k) return selectTop(row, out, count, k, heap, out);
  }
  return selectTop(row, 0, n, k, heap, out);
}

const SAMPLE_STRIDE: i32 = 16;

/**
 * Exact top-k over row[0..n) (ids = 0) or over the ascending ids at `ids` (m of them): a size-k
 * min-heap whose root is the entry to leave first, then a heap sort into `out` (which may be `ids`).
 */
function selectTop(row: usize, ids: usize, m: i32, k: i32, heap: usize, out: usize): i32 {
  const size = min(k, m);
  if (size <= 0) return 0;
  const heapIds = heap + ((<usize>size) << 2);
  for (let j = 0; j < size; j++) {
    store<f32>(heap + ((<usize>j) << 2), -Infinity);
    store<i32>(heapIds + ((<usize>j) << 2), -1);
  }
  if (ids) {
    for (let j = 0; j < m; j++) {
      const id = load<i32>(ids + ((<usize>j) << 2));
      offer(heap, heapIds, size, load<f32>(row + ((<usize>id) << 2)), id);
    }
  } else {
    // A 4-lane compare against the root skips almost every block.
    const whole = m & ~3;
    for (let i = 0; i < whole; i += 4) {
      const block = v128.load(row + ((<usize>i) << 2));
      if (!v128.any_true(f32x4.gt(block, f32x4.splat(load<f32>(heap))))) continue;
      for (let lane = 0; lane < 4; lane++)
        offer(heap, heapIds, size, load<f32>(row + ((<usize>(i + lane)) << 2)), i + lane);
    }
    for (let i = whole; i < m; i++) offer(heap, heapIds, size, load<f32>(row + ((<usize>i) << 2)), i);
  }
  // Heap sort: popping the root yields the order "first to leave" first, so fill `out` from the back.
  let count = 0;
  for (let j = 0; j < size; j++) if (load<i32>(heapIds + ((<usize>j) << 2)) >= 0) count++;
  let live = size;
  for (let w = size - 1; w >= 0; w--) {
    const id = load<i32>(heapIds);
    if (w < count) store<i32>(out + ((<usize>w) << 2), id);
    live--;
    store<f32>(heap, load<f32>(heap + ((<usize>live) << 2)));
    store<i32>(heapIds, load<i32>(heapIds + ((<usize>live) << 2)));
    siftDown(heap, heapIds, live);
  }
  return count;
}

// Ids arrive ascending, so an equal value never beats the root (the root has the smaller id).
function offer(heap: usize, ids: usize, size: i32, value: f32, id: i32): void {
  if (!(value > load<f32>(heap))) return;
  store<f32>(heap, value);
  store<i32>(ids, id);
  siftDown(heap, ids, size);
}

function siftDown(heap: usize, ids: usize, size: i32): void {
  let p = 0;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= size) return;
    let c = l;
    if (l + 1 < size && leavesFirst(heap, ids, l + 1, l)) c = l + 1;
    if (!leavesFirst(heap, ids, c, p)) return;
    const pv = load<f32>(heap + ((<usize>p) << 2));
    const pi = load<i32>(ids + ((<usize>p) << 2));
    store<f32>(heap + ((<usize>p) << 2), load<f32>(heap + ((<usize>c) << 2)));
    store<i32>(ids + ((<usize>p) << 2), load<i32>(ids + ((<usize>c) << 2)));
    store<f32>(heap + ((<usize>c) << 2), pv);
    store<i32>(ids + ((<usize>c) << 2), pi);
    p = c;
  }
}

// Entry a leaves before entry b: a lower value, or an equal value and a larger id.
function leavesFirst(heap: usize, ids: usize, a: i32, b: i32): bool {
  const va = load<f32>(heap + ((<usize>a) << 2));
  const vb = load<f32>(heap + ((<usize>b) << 2));
  return va < vb || (va === vb && load<i32>(ids + ((<usize>a) << 2)) > load<i32>(ids + ((<usize>b) << 2)));
}
