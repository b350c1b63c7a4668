/** @module Cuts text to a byte budget on a character boundary, saying how much was left out. */

/** Text within the budget, and whether anything was cut. */
export interface LimitedText {
  text: string;
  truncated: boolean;
}

/**
 * The text if its UTF-8 form fits `maxBytes`, else its first `maxBytes` bytes (never half a character)
 * followed by a note naming the full size, so the model knows it saw a part.
 * @example
 * limitText("héllo wörld", 6); // { text: "héllo\n[truncated: 13 bytes in all, the first 6 shown]", truncated: true }
 */
export function limitText(text: string, maxBytes: number): LimitedText {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { text, truncated: false };
  const head = cutToBytes(text, maxBytes);
  return { text: `${head}\n${truncationNote(bytes, Buffer.byteLength(head))}`, truncated: true };
}

/**
 * The longest prefix of `text` whose UTF-8 form fits `maxBytes`.
 * @example
 * cutToBytes("ééé", 3); // "é" (the second é would need a fourth byte)
 */
export function cutToBytes(text: string, maxBytes: number): string {
  const head = Buffer.from(text).subarray(0, maxBytes).toString();
  // a cut inside a multi-byte character decodes to U+FFFD at the end
  return head.endsWith("\uFFFD") && !text.startsWith(head) ? head.slice(0, -1) : head;
}

/**
 * The note put after cut text.
 * @example
 * truncationNote(100_000_001, 4096); // "[truncated: 100000001 bytes in all, the first 4096 shown]"
 */
export function truncationNote(totalBytes: number, shownBytes: number): string {
  return `[truncated: ${totalBytes} bytes in all, the first ${shownBytes} shown]`;
}
