/**
 * @module
 * Plain chain-of-thought decoding: every step samples a token and feeds that token back.
 */

import type { DecodingController, StepResult, StopParams } from "./controller.js";
import { validateStopParams } from "./controller.js";
import type { TokenSampler } from "./sampler.js";
import { softmaxSummary } from "./top-mass.js";

/**
 * Every step explicit. With `reportEntropy` the step also reports the unfiltered entropy (one extra
 * pass over the vocabulary), so traces of cot and SwiReasoning runs can be compared.
 *
 * @example
 * const cot = new CotController({ max_new_tokens: 256, stop_token_ids: [151645] });
 * const r = cot.step(logits, sampler); // r.fed = { kind: "token", id: r.tokenId }
 */
export class CotController implements DecodingController {
  private emitted = 0;
  private readonly stopIds: Set<number>;
  private done = false;

  constructor(
    readonly params: StopParams,
    private readonly options: { reportEntropy?: boolean } = {},
  ) {
    validateStopParams(params, "CotController");
    this.stopIds = new Set(params.stop_token_ids);
  }

  get finished(): boolean {
    return this.done;
  }

  step(logits: Float32Array, sampler: TokenSampler): StepResult {
    if (this.done) throw new Error("CotController.step: the sequence already stopped");
    const entropy = this.options.reportEntropy ? softmaxSummary(logits).entropy : null;
    const tokenId = sampler.sample(logits);
    sampler.accept?.(tokenId);
    this.emitted++;
    const stop = this.stopIds.has(tokenId)
      ? "eos"
      : this.emitted >= this.params.max_new_tokens
        ? "max_tokens"
        : null;
    this.done = stop !== null;
    return {
      tokenId,
      mode: "explicit",
      fed: { kind: "token", id: tokenId },
      entropy,
      refEntropy: null,
      switched: null,
      forced: false,
      stop,
    };
  }
}
