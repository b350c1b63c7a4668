/**
 * @module
 * The contract every decoding method shares, so one batch can mix methods: each sequence owns a
 * controller; per step the engine hands it the sequence's logits row and gets back the token to emit,
 * what to feed as the next input, and whether the sequence stops.
 */

import type { FedInput } from "./mixture.js";
import type { TokenSampler } from "./sampler.js";

/** Why a sequence stopped. */
export type StopReason = "eos" | "answer_budget" | "max_tokens";

/** The outcome of one decoding step of one sequence. */
export interface StepResult {
  /** The emitted token (sampled, or forced by an injection). */
  tokenId: number;
  /** The controller's mode after this step's transition. */
  mode: "latent" | "explicit";
  /** The next input: a token row or a mixture of rows. */
  fed: FedInput;
  /** Entropy (nats) of the unfiltered temperature-1 distribution; null when the method does not compute it. */
  entropy: number | null;
  /** SwiReasoning's reference entropy after this step; null for other methods. */
  refEntropy: number | null;
  /** A mode switch made at this step. */
  switched: "to_explicit" | "to_latent" | null;
  /** True when an injected token replaced the sampled one. */
  forced: boolean;
  /** Set on the sequence's last step. */
  stop: StopReason | null;
}

/** One sequence's decoding state machine. */
export interface DecodingController {
  /** Decides step t from the logits row of the current position. Must not modify `logits`. */
  step(logits: Float32Array, sampler: TokenSampler): StepResult;
  /** True once a step returned a stop reason. */
  readonly finished: boolean;
  /**
   * The reasoning block was closed from outside (a thinking budget forced `</think>`): decode the answer
   * as after a sampled `</think>`. Methods without a reasoning state need not implement it.
   */
  closeReasoning?(): void;
}

/** Limits shared by every method. */
export interface StopParams {
  /** Generation stops after this many emitted tokens. */
  max_new_tokens: number;
  /** Emitting any of these ids ends the sequence (the id is still emitted). */
  stop_token_ids: readonly number[];
}

/** Checks {@link StopParams} ranges; `source` names the caller in the error. */
export function validateStopParams(params: StopParams, source: string): void {
  if (!Number.isInteger(params.max_new_tokens) || params.max_new_tokens < 1) {
    throw new Error(`${source}: max_new_tokens must be an integer >= 1, got ${params.max_new_tokens}`);
  }
  for (const id of params.stop_token_ids) {
    if (!Number.isInteger(id) || id < 0)
      throw new Error(`${source}: stop_token_ids must be token ids, got ${id}`);
  }
}
