/**
 * @module
 * The full-vocabulary passes of a decoding step (assembly/logits.ts) over a typed row. A row is copied into the module's
 * memory once (~50 µs for 152k floats) and every pass then runs over that copy.
 */

import { align16, claimScratch, kernels } from "./wasm.js";

/** Softmax statistics of y = (row - max) * invT: Z = sum e^y and M = sum e^y y (entropy = log Z - M / Z). */
export interface SoftmaxStats {
  z: number;
  moment: number;
}

/** The row last passed to {@link loadRow}; its methods fail once another row has been loaded. */
export interface LoadedRow {
  readonly length: number;
  /** Largest value (-Infinity when every entry is). */
  max(): number;
  /** Z and M of softmax(row * invT), given the row's max. */
  softmaxStats(max: number, invT: number): SoftmaxStats;
  /** Ids, ascending, of the finite entries >= threshold. */
  collectAtLeast(threshold: number): Int32Array;
  /** Ids of the k largest finite entries, value descending, ties by id ascending. */
  topK(k: number): Int32Array;
}

const STATS_BYTES = 16;

/**
 * Copies `row` into the kernels' memory and returns the passes over it.
 *
 * @example
 * const row = loadRow(logits);
 * const top20 = row.topK(20);
 */
export function loadRow(values: Float32Array): LoadedRow {
  const k = kernels();
  const n = values.length;
  const row = align16(STATS_BYTES);
  const out = align16(row + n * 4);
  const heap = align16(out + n * 4);
  const scratch = claimScratch(heap + n * 8, "loadRow");
  const at = (offset: number) => scratch.base + offset;
  const stats = scratch.base;
  new Float32Array(k.memory.buffer, at(row), n).set(values);
  const live = scratch.live;
  return {
    length: n,
    max() {
      live();
      return k.maxOf(at(row), n);
    },
    softmaxStats(max, invT) {
      const buffer = live();
      k.softmaxStats(at(row), n, max, invT, stats);
      const [z, moment] = new Float64Array(buffer, stats, 2);
      return { z, moment };
    },
    collectAtLeast(threshold) {
      const buffer = live();
      const count = k.collectAtLeast(at(row), n, threshold, at(out));
      return new Int32Array(buffer, at(out), count).slice();
    },
    topK(size) {
      const buffer = live();
      const count = k.topK(at(row), n, Math.max(0, Math.min(size, n)), at(heap), at(out));
      return new Int32Array(buffer, at(out), count).slice();
    },
  };
}
