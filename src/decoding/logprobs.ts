/**
 * @module Log-probabilities of a step's token and of the most likely alternatives, from the model's raw
 * logits row (before temperature and filtering), as OpenAI's `logprobs` / `top_logprobs` report them.
 */
import { topKIndices } from "./top-k.js";
import { softmaxSummary } from "./top-mass.js";

/** The chosen token's log-probability and the `top` most likely tokens, most likely first. */
export interface TokenLogprob {
  logprob: number;
  top: { id: number; logprob: number }[];
}

/**
 * Log-softmax of `logits` at `tokenId`, plus the `topN` best entries (0 for none) among the ids below
 * `tokens`: a model's embedding rows may outnumber its tokenizer's entries (padding rows no text decodes
 * to), and those rows still count in the softmax but are never offered as alternatives.
 * @example
 * tokenLogprob(new Float32Array([0, Math.log(3)]), 1, 1); // { logprob: log(0.75), top: [{ id: 1, logprob: log(0.75) }] }
 */
export function tokenLogprob(
  logits: Float32Array,
  tokenId: number,
  topN: number,
  tokens = logits.length,
): TokenLogprob {
  const { max, z } = softmaxSummary(logits);
  const logZ = max + Math.log(z);
  const candidates = logits.subarray(0, Math.min(tokens, logits.length));
  const top = Array.from(topKIndices(candidates, topN), (id) => ({ id, logprob: logits[id] - logZ }));
  return { logprob: logits[tokenId] - logZ, top };
}
