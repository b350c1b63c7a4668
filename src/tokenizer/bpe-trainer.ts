/**
 * @module Trains a byte-level BPE vocabulary the way Qwen2/Qwen3's tokenizer is built: text split by Qwen2's
 * pre-tokenizer pattern (so every digit stays a token of its own), mapped to GPT-2's byte alphabet, then the
 * most frequent adjacent pair merged until the vocabulary is full. The result is written as a Hugging Face
 * `tokenizer.json` (see qwen3-tokenizer-files.ts), which Rio and llama.cpp then apply with their own code.
 */

/**
 * Qwen2's split pattern (tokenizer.json `pre_tokenizer`), with its `(?i:...)` group spelled out: V8 of
 * Node 20 has no inline regexp modifiers.
 */
export const QWEN2_SPLIT =
  /'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/gu;

/** GPT-2's map from bytes to printable characters (printable bytes map to themselves, the rest above 255). */
export function byteAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const chars: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) chars[b] = String.fromCodePoint(printable(b) ? b : 256 + extra++);
  return chars;
}

/** A trained vocabulary: byte characters first (GPT-2's order), then one entry per merge. */
export interface BpeVocabulary {
  /** Token strings in id order (byte-level alphabet). */
  tokens: string[];
  /** Merges in the order they apply, as [left, right]. */
  merges: [string, string][];
}

/** Options of {@link trainBpe}. */
export interface BpeOptions {
  /** Entries in the BPE vocabulary (bytes + merges), at least 256. */
  vocabSize: number;
  /**
   * Texts that must each end up as one token (merged first, left to right), e.g. SwiReasoning's line-break
   * entry `\n` (a backslash and an n), which a corpus without LaTeX would never form.
   */
  required?: string[];
}

/**
 * Learns merges from `texts` until the vocabulary holds `vocabSize` entries (or no pair occurs twice).
 * Ties between equally frequent pairs go to the pair whose text sorts first, so training is deterministic.
 *
 * @example
 * const vocab = trainBpe(["What is 17 + 25?"], { vocabSize: 300 });
 */
export function trainBpe(texts: Iterable<string>, opts: BpeOptions): BpeVocabulary {
  const alphabet = byteAlphabet();
  const encoder = new TextEncoder();
  const toSymbols = (piece: string) => Array.from(encoder.encode(piece), (b) => alphabet[b]);
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const piece of text.normalize("NFC").match(QWEN2_SPLIT) ?? [])
      counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const words = [...counts].map(([piece, count]) => ({ symbols: toSymbols(piece), count }));
  const tokens = [...byteOrder(alphabet)];
  const known = new Set(tokens);
  const merges: [string, string][] = [];
  const merge = (left: string, right: string) => {
    const joined = left + right;
    merges.push([left, right]);
    if (!known.has(joined)) {
      known.add(joined);
      tokens.push(joined);
    }
    for (const word of words) {
      const s = word.symbols;
      for (let i = 0; i < s.length - 1; i++) if (s[i] === left && s[i + 1] === right) s.splice(i, 2, joined);
    }
  };
  for (const text of opts.required ?? []) {
    const symbols = toSymbols(text);
    for (let i = 1; i < symbols.length; i++) merge(symbols.slice(0, i).join(""), symbols[i]);
  }
  while (tokens.length < opts.vocabSize) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of words)
      for (let i = 0; i < symbols.length - 1; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, count] of pairs)
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    if (!best) break;
    const [left, right] = best.split(" ");
    merge(left, right);
  }
  return { tokens, merges };
}

/** The 256 byte characters in GPT-2's vocabulary order: printable bytes first, then the remapped ones. */
function byteOrder(alphabet: string[]): string[] {
  return [...alphabet].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
}
