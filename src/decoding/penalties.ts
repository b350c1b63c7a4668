/**
 * @module
 * Repetition (HF/CTRL), presence and frequency (OpenAI) penalties over the tokens a sequence has seen, and
 * OpenAI's logit_bias.
 * Only the few seen ids change, so the work is O(distinct seen tokens) plus one copy of the row:
 * the caller's logits stay untouched because SwiReasoning reads the raw row for its entropy.
 */

import type { SamplingParams } from "./sampling-params.js";

/** Tokens a sequence has seen: the prompt (repetition penalty only) and the generated ones with counts. */
export class TokenHistory {
  private readonly seenIds = new Set<number>();
  private readonly generated = new Map<number, number>();

  /** @param promptTokens ids of the prompt, which count for the repetition penalty only (as in HF and vLLM). */
  constructor(promptTokens: ArrayLike<number> = []) {
    for (let i = 0; i < promptTokens.length; i++) this.seenIds.add(promptTokens[i]);
  }

  /** Records one generated token. */
  add(tokenId: number): void {
    this.seenIds.add(tokenId);
    this.generated.set(tokenId, (this.generated.get(tokenId) ?? 0) + 1);
  }

  /** Ids seen in the prompt or the output. */
  seen(): ReadonlySet<number> {
    return this.seenIds;
  }

  /** How many times `tokenId` was generated. */
  count(tokenId: number): number {
    return this.generated.get(tokenId) ?? 0;
  }
}

/** True when any penalty or bias in `params` changes logits. */
export function hasPenalties(params: SamplingParams): boolean {
  return (
    params.repetition_penalty !== 1 ||
    params.presence_penalty !== 0 ||
    params.frequency_penalty !== 0 ||
    (params.logit_bias?.size ?? 0) > 0
  );
}

/**
 * A penalised copy of `logits`: repetition penalty divides positive / multiplies negative logits of every
 * seen token; presence subtracts `presence_penalty` once and frequency `frequency_penalty * count` for
 * generated tokens; then each `logit_bias` entry is added to its token's logit.
 *
 * @example
 * const history = new TokenHistory(promptIds);
 * history.add(42);
 * const penalised = applyPenalties(logits, history, params);
 */
export function applyPenalties(
  logits: Float32Array,
  history: TokenHistory,
  params: SamplingParams,
): Float32Array {
  const out = logits.slice();
  for (const id of history.seen()) {
    if (id < 0 || id >= out.length) continue;
    let x = out[id];
    if (params.repetition_penalty !== 1)
      x = x > 0 ? x / params.repetition_penalty : x * params.repetition_penalty;
    const count = history.count(id);
    if (count > 0) x -= params.presence_penalty + params.frequency_penalty * count;
    out[id] = x;
  }
  // after the penalties, as OpenAI and vLLM apply it: a bias is the caller's last word on a token
  for (const [id, bias] of params.logit_bias ?? []) if (id < out.length) out[id] += bias;
  return out;
}
