/** @module Helpers for finding tags in streamed text where a tag may arrive split across deltas. */

/** Length of the longest suffix of `text` that is a proper prefix of `tag` (the part to hold back). */
export function partialTagLength(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

/** Appends `text` to the last event when it has the same kind, so output does not depend on delta sizes. */
export function pushText<K extends string>(events: { kind: K; text: string }[], kind: K, text: string): void {
  if (!text) return;
  const last = events.at(-1);
  if (last && last.kind === kind) last.text += text;
  else events.push({ kind, text });
}
