/**
 * @module
 * The per-sequence sampler: penalties, then greedy argmax or a seeded draw from the filtered distribution.
 */

import { argmax, filterCandidates, pickCandidate } from "./candidates.js";
import { applyPenalties, hasPenalties, TokenHistory } from "./penalties.js";
import { Rng } from "./rng.js";
import { type SamplingParams, validateSamplingParams } from "./sampling-params.js";

/**
 * What a controller needs from a sampler: choose a token from a logits row, and learn which token the
 * step finally emitted (a forced token may replace the chosen one), for penalties.
 */
export interface TokenSampler {
  /** Chooses a token id; must not modify `logits`. */
  sample(logits: Float32Array): number;
  /** Records the token the step emitted. */
  accept?(tokenId: number): void;
  /**
   * When sample() only ever draws from the `limit` best-scored tokens (its top_k; 1 when greedy): the
   * scores it ranks them by (the logits after penalties and biases). Sampling a row reduced to the
   * `limit` best tokens of any subset then draws exactly as from the subset's whole row, which lets a
   * constraint check a few tokens instead of the vocabulary. Undefined when it may draw from anywhere.
   */
  shortlist?(logits: Float32Array): { scores: Float32Array; limit: number } | undefined;
}

/**
 * Seeded sampler for one sequence: the same seed, prompt and logits rows give the same tokens.
 *
 * @example
 * const sampler = new Sampler(samplingDefaults(generationConfig), { promptTokens });
 * const id = sampler.sample(logits);
 * sampler.accept(id);
 */
export class Sampler implements TokenSampler {
  private readonly rng: Rng;
  private readonly history: TokenHistory;
  private readonly penalised: boolean;

  constructor(
    readonly params: SamplingParams,
    options: { promptTokens?: ArrayLike<number> } = {},
  ) {
    validateSamplingParams(params);
    this.rng = new Rng(params.seed);
    this.history = new TokenHistory(options.promptTokens);
    this.penalised = hasPenalties(params);
  }

  shortlist(logits: Float32Array): { scores: Float32Array; limit: number } | undefined {
    const limit = this.params.temperature === 0 ? 1 : this.params.top_k;
    if (limit === 0) return undefined;
    return { scores: this.penalised ? applyPenalties(logits, this.history, this.params) : logits, limit };
  }

  sample(logits: Float32Array): number {
    const row = this.penalised ? applyPenalties(logits, this.history, this.params) : logits;
    if (this.params.temperature === 0) return argmax(row);
    const candidates = filterCandidates(row, this.params);
    return candidates.ids[pickCandidate(candidates, this.rng.next())];
  }

  accept(tokenId: number): void {
    this.history.add(tokenId);
  }
}
