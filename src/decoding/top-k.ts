/**
 * @module
 * The k largest logits without sorting the ~152k vocabulary: a size-k heap in the SIMD kernels, where a
 * 4-lane compare against the heap's root skips almost every entry.
 */

import { loadRow } from "../kernels/index.js";

/**
 * Ids of the k largest values, sorted by value descending, ties by id ascending. Entries equal to
 * -Infinity (masked tokens) are never selected, so fewer than k ids may come back.
 *
 * @example
 * topKIndices(new Float32Array([0.1, 3, -1, 2]), 2); // Int32Array [1, 3]
 */
export function topKIndices(values: Float32Array, k: number): Int32Array {
  return loadRow(values).topK(k);
}

/** Sorts ids in place by value descending, ties by id ascending, and returns them. */
export function sortByValueDesc(values: Float32Array, ids: Int32Array): Int32Array {
  return ids.sort((a, b) => values[b] - values[a] || a - b);
}
