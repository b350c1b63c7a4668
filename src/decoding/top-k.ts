/**
 * @module
 * Partial selection of the k largest logits with a size-k min-heap: O(V log k) worst case and close to
 * one compare per entry in practice, instead of sorting the whole ~152k vocabulary.
 */

/**
 * Ids of the k largest values, sorted by value descending, ties by id ascending. Entries equal to
 * -Infinity (masked tokens) are never selected, so fewer than k ids may come back.
 * `subset` restricts the scan to those ids (given in ascending order).
 *
 * @example
 * topKIndices(new Float32Array([0.1, 3, -1, 2]), 2); // Int32Array [1, 3]
 */
export function topKIndices(values: Float32Array, k: number, subset?: Int32Array): Int32Array {
  const n = subset ? subset.length : values.length;
  const size = Math.min(k, n);
  if (size <= 0) return new Int32Array(0);
  // Min-heap ordered by (value ascending, id descending): the root is the entry that leaves first.
  const heapV = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
  const heapI = new Int32Array(size).fill(-1);
  for (let j = 0; j < n; j++) {
    const i = subset ? subset[j] : j;
    const v = values[i];
    // Ids arrive ascending, so an equal value never beats the root (it has the larger id).
    if (!(v > heapV[0])) continue;
    heapV[0] = v;
    heapI[0] = i;
    siftDown(heapV, heapI, size);
  }
  let count = 0;
  for (let j = 0; j < size; j++) if (heapI[j] >= 0) count++;
  const out = new Int32Array(count);
  let w = 0;
  for (let j = 0; j < size; j++) if (heapI[j] >= 0) out[w++] = heapI[j];
  return sortByValueDesc(values, out);
}

/** Sorts ids in place by value descending, ties by id ascending, and returns them. */
export function sortByValueDesc(values: Float32Array, ids: Int32Array): Int32Array {
  return ids.sort((a, b) => values[b] - values[a] || a - b);
}

function siftDown(heapV: Float64Array, heapI: Int32Array, size: number): void {
  let p = 0;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= size) return;
    const r = l + 1;
    let c = l;
    if (r < size && before(heapV, heapI, r, l)) c = r;
    if (!before(heapV, heapI, c, p)) return;
    const tv = heapV[p];
    const ti = heapI[p];
    heapV[p] = heapV[c];
    heapI[p] = heapI[c];
    heapV[c] = tv;
    heapI[c] = ti;
    p = c;
  }
}

// True when heap entry a should sit above entry b (a is "smaller": lower value, or equal value and larger id).
function before(heapV: Float64Array, heapI: Int32Array, a: number, b: number): boolean {
  return heapV[a] < heapV[b] || (heapV[a] === heapV[b] && heapI[a] > heapI[b]);
}
