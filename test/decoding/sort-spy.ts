/**
 * @module Counts the work a function does in JavaScript sorts, so a test can assert that a full-vocabulary
 * pass never sorts the vocabulary (a structural check; speed itself is measured by `bench kernels`).
 */

type Sortable = { sort(compare?: (a: never, b: never) => number): unknown; length: number };

/** Runs `fn` and returns the length of the longest array or typed array it sorted (0 when none). */
export function longestSort(fn: () => void): number {
  const typedProto = Object.getPrototypeOf(Int32Array.prototype) as Sortable;
  const protos: Sortable[] = [Array.prototype as unknown as Sortable, typedProto];
  const originals = protos.map((proto) => proto.sort);
  let longest = 0;
  protos.forEach((proto, i) => {
    proto.sort = function (this: Sortable, compare?: (a: never, b: never) => number) {
      longest = Math.max(longest, this.length);
      return originals[i].call(this, compare);
    };
  });
  try {
    fn();
  } finally {
    protos.forEach((proto, i) => {
      proto.sort = originals[i];
    });
  }
  return longest;
}
