// SIMD kernels over one logits row (AssemblyScript, compiled to WebAssembly by `npm run build`).
// JavaScript has no SIMD and V8's Math.exp costs ~20 ns here, so the full-vocabulary passes of every
// decoding step (max, softmax statistics, threshold collection, top-k) run here instead, 4 lanes at a time.
// The caller owns the memory layout: it copies the row in and passes byte offsets (see src/decoding/logits-kernels.ts).
// The plain float64 references these are tested against live in test/decoding/reference.ts.

const MIN_Y: f32 = -87.0; // e^-87 is the smallest normal float32 power this exp builds; below it e^y counts as 0
const BIN_COUNT: i32 = 160; // histogram of mass by log-probability, 0.25 nats per bin (40 nats)
const BINS_PER_NAT: f32 = 4.0;

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
 * `out` and `out + 8`. When `bins` is not 0 it also fills a histogram there: BIN_COUNT float64 masses,
 * then BIN_COUNT int32 counts, bin = floor(-y * 4) capped at the last bin; -Infinity entries are not
 * counted. Each lane keeps its own histogram while scanning (at `bins + LANE_BINS_OFFSET`), so
 * consecutive updates of one bin do not wait on each other.
 */
export function softmaxStats(row: usize, n: i32, rowMax: f32, invT: f32, out: usize, bins: usize): void {
  const shift = f32x4.splat(rowMax);
  const scale = f32x4.splat(invT);
  let zLow = f64x2.splat(0);
  let zHigh = zLow;
  let mLow = zLow;
  let mHigh = zLow;
  const whole = n & ~3;
  const lanes = bins + LANE_BINS_OFFSET;
  if (bins) memory.fill(lanes, 0, 4 * LANE_BINS_BYTES);
  for (let i = 0; i < whole; i += 4) {
    const y = f32x4.mul(f32x4.sub(v128.load(row + ((<usize>i) << 2)), shift), scale);
    const e = expNonPositive4(y);
    const ey = f32x4.mul(e, f32x4.pmax(y, f32x4.splat(MIN_Y)));
    zLow = f64x2.add(zLow, f64x2.promote_low_f32x4(e));
    zHigh = f64x2.add(zHigh, f64x2.promote_low_f32x4(i64x2.shuffle(e, e, 1, 0)));
    mLow = f64x2.add(mLow, f64x2.promote_low_f32x4(ey));
    mHigh = f64x2.add(mHigh, f64x2.promote_low_f32x4(i64x2.shuffle(ey, ey, 1, 0)));
    if (bins) {
      const bin = i32x4.min_s(
        i32x4.trunc_sat_f32x4_s(f32x4.mul(y, f32x4.splat(-BINS_PER_NAT))),
        i32x4.splat(BIN_COUNT - 1),
      );
      addToBin(lanes, i32x4.extract_lane(bin, 0), f32x4.extract_lane(y, 0), f32x4.extract_lane(e, 0));
      addToBin(
        lanes + LANE_BINS_BYTES,
        i32x4.extract_lane(bin, 1),
        f32x4.extract_lane(y, 1),
        f32x4.extract_lane(e, 1),
      );
      addToBin(
        lanes + 2 * LANE_BINS_BYTES,
        i32x4.extract_lane(bin, 2),
        f32x4.extract_lane(y, 2),
        f32x4.extract_lane(e, 2),
      );
      addToBin(
        lanes + 3 * LANE_BINS_BYTES,
        i32x4.extract_lane(bin, 3),
        f32x4.extract_lane(y, 3),
        f32x4.extract_lane(e, 3),
      );
    }
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
    if (bins) addToBin(lanes, min(BIN_COUNT - 1, <i32>(-y * BINS_PER_NAT)), y, e);
  }
  store<f64>(out, z);
  store<f64>(out + 8, moment);
  if (!bins) return;
  for (let b = 0; b < BIN_COUNT; b++) {
    let mass: f64 = 0;
    let count = 0;
    for (let lane = 0; lane < 4; lane++) {
      const at = lanes + <usize>lane * LANE_BINS_BYTES;
      mass += load<f64>(at + ((<usize>b) << 3));
      count += load<i32>(at + ((<usize>BIN_COUNT) << 3) + ((<usize>b) << 2));
    }
    store<f64>(bins + ((<usize>b) << 3), mass);
    store<i32>(bins + ((<usize>BIN_COUNT) << 3) + ((<usize>b) << 2), count);
  }
}

const LANE_BINS_BYTES: usize = <usize>BIN_COUNT * 12;
const LANE_BINS_OFFSET: usize = LANE_BINS_BYTES;

/** Bytes `softmaxStats` uses at `bins`: the merged histogram, then one per lane. */
export function histogramBytes(): usize {
  return 5 * LANE_BINS_BYTES;
}

// -Infinity entries (masked tokens) are left out of the histogram, as from the distribution.
function addToBin(bins: usize, b: i32, y: f32, e: f32): void {
  if (y === -Infinity) return;
  const at = bins + ((<usize>b) << 3);
  store<f64>(at, load<f64>(at) + <f64>e);
  const counts = bins + ((<usize>BIN_COUNT) << 3) + ((<usize>b) << 2);
  store<i32>(counts, load<i32>(counts) + 1);
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
 * returns how many (fewer than k when the row has fewer finite entries). `heap` needs k * 8 bytes.
 * A size-k min-heap whose root is the entry to leave first; a 4-lane compare against the root skips
 * almost every block, so the cost is one pass of loads and compares.
 */
export function topK(row: usize, n: i32, k: i32, heap: usize, out: usize): i32 {
  const size = min(k, n);
  if (size <= 0) return 0;
  const ids = heap + ((<usize>size) << 2);
  for (let j = 0; j < size; j++) {
    store<f32>(heap + ((<usize>j) << 2), -Infinity);
    store<i32>(ids + ((<usize>j) << 2), -1);
  }
  const whole = n & ~3;
  for (let i = 0; i < whole; i += 4) {
    const block = v128.load(row + ((<usize>i) << 2));
    if (!v128.any_true(f32x4.gt(block, f32x4.splat(load<f32>(heap))))) continue;
    for (let lane = 0; lane < 4; lane++)
      offer(heap, ids, size, load<f32>(row + ((<usize>(i + lane)) << 2)), i + lane);
  }
  for (let i = whole; i < n; i++) offer(heap, ids, size, load<f32>(row + ((<usize>i) << 2)), i);
  // Heap sort: popping the root yields the order "first to leave" first, so fill `out` from the back.
  let count = 0;
  for (let j = 0; j < size; j++) if (load<i32>(ids + ((<usize>j) << 2)) >= 0) count++;
  let live = size;
  for (let w = size - 1; w >= 0; w--) {
    const id = load<i32>(ids);
    if (w < count) store<i32>(out + ((<usize>w) << 2), id);
    live--;
    store<f32>(heap, load<f32>(heap + ((<usize>live) << 2)));
    store<i32>(ids, load<i32>(ids + ((<usize>live) << 2)));
    siftDown(heap, ids, live);
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
