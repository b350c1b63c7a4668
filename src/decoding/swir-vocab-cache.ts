/** @module SwiReasoning's vocabulary facts (special rows, math-token ids) computed once per tokenizer. */
import type { RioTokenizer } from "../tokenizer/index.js";
import { type SwirVocab, swirVocab } from "./swir-vocab.js";

const cache = new WeakMap<RioTokenizer, SwirVocab>();

/** swirVocab(tokenizer), memoised: building the math-token set encodes ~190 strings. */
export function swirVocabFor(tokenizer: RioTokenizer): SwirVocab {
  let vocab = cache.get(tokenizer);
  if (!vocab) {
    vocab = swirVocab(tokenizer);
    cache.set(tokenizer, vocab);
  }
  return vocab;
}
