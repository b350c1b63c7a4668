/**
 * @module GPT-2 byte-level alphabet: byte-level BPE tokens spell raw bytes with printable code points.
 */

let cache: Map<string, number> | undefined;

/** Code point character -> byte, the inverse of GPT-2's `bytes_to_unicode`. */
export function byteDecoder(): Map<string, number> {
  if (cache) return cache;
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  cache = new Map();
  let next = 256;
  for (let b = 0; b < 256; b++) cache.set(String.fromCodePoint(printable(b) ? b : next++), b);
  return cache;
}
