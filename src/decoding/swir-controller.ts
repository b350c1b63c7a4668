/**
 * @module
 * SwiReasoning (Shi et al., ICLR 2026) as a per-sequence state machine, following
 * /work/shared/docs/swireasoning.md and, where it is silent, the authors' reference loop
 * (`generate_swir` in sdc17/SwiReasoning generation_utils.py). Per step, in the reference's order:
 *  1. unfiltered temperature-1 stats of the row: entropy H and the soft head (top mass);
 *  2. sample; `</think>` as the *sampled* token locks explicit mode forever (checked before injection,
 *     so an injected `</think>` does not lock: later switches can still fire the switch-count control);
 *  3. a pending injected token replaces the sampled one;
 *  4. mode transition (t > 0): latent -> explicit when H < ref_H; explicit -> latent when H > ref_H,
 *     stay >= window and not locked; a switch resets stay and ref_H and counts latent -> explicit;
 *  5. what to feed: a token row on explicit steps (explicit mode, locked, a forced token or a math
 *     token), the soft mixture on latent steps, with the step-0, into-latent and into-explicit mixing
 *     terms. Forced tokens are explicit steps as the spec says; the reference would feed a forced token
 *     that lands in latent mode as the soft vector, which needs window < injection length (never with
 *     the defaults: window 512, at most 6 injected tokens);
 *  6. switch-count control: queue convergence or termination tokens, run the answer budget;
 *  7. stop on a stop token, an exhausted answer budget, or max_new_tokens.
 */

import type { DecodingController, StepResult, StopReason } from "./controller.js";
import { blendTerms, type FedInput } from "./mixture.js";
import type { TokenSampler } from "./sampler.js";
import { softTerms } from "./soft-terms.js";
import type { SwirParams } from "./swir-params.js";
import { swirParams } from "./swir-params.js";
import type { SwirVocab } from "./swir-vocab.js";
import { headOf, softmaxSummary, type TopMass } from "./top-mass.js";

/** The reference's fixed weight of the soft embedding at step 0 (the rest goes to the line-break row). */
const STEP0_SOFT_WEIGHT = 0.9;

/**
 * One sequence's SwiReasoning state. Starts latent.
 *
 * @example
 * const swir = new SwiReasoningController(swirParams({ max_new_tokens: 4096, stop_token_ids: [151645] }), swirVocab(tokenizer));
 * const sampler = new Sampler(samplingDefaults(generationConfig));
 * let r = swir.step(logits, sampler);  // r.fed: { kind: "mixture", terms } at latent steps
 */
export class SwiReasoningController implements DecodingController {
  readonly params: SwirParams;
  private mode: "latent" | "explicit" = "latent";
  private t = 0;
  private refEntropy = 0;
  private stay = 0;
  private locked = false;
  private switches = 0;
  private queue: number[] = [];
  private budget = -1; // steps left once termination fired; -1 = inactive
  private readonly stopIds: Set<number>;
  private done = false;

  constructor(
    params: SwirParams,
    private readonly vocab: SwirVocab,
  ) {
    this.params = swirParams(params);
    this.stopIds = new Set(params.stop_token_ids);
  }

  get finished(): boolean {
    return this.done;
  }

  /** Latent -> explicit switches so far (what max_switch_count counts). */
  get switchCount(): number {
    return this.switches;
  }

  step(logits: Float32Array, sampler: TokenSampler): StepResult {
    if (this.done) throw new Error("SwiReasoningController.step: the sequence already stopped");
    const p = this.params;
    const t = this.t;
    const summary = softmaxSummary(logits);
    const entropy = summary.entropy;
    // The soft head is needed only where a mixture is fed: latent steps and the switch into explicit.
    const head = () => headOf(logits, summary, { mass: 1 - p.soft_epsilon, maxCount: p.soft_max_terms });

    const sampled = sampler.sample(logits);
    if (sampled === this.vocab.thinkEnd) this.locked = true;
    const forced = this.queue.length > 0;
    const tokenId = forced ? (this.queue.shift() as number) : sampled;

    const switched = this.transition(t, entropy);
    const explicitStep =
      this.mode === "explicit" || this.locked || forced || (p.math_tokens && this.vocab.mathIds.has(tokenId));
    const fed = explicitStep
      ? this.explicitInput(t, tokenId, switched, head)
      : this.latentInput(t, switched, head());

    if (p.max_switch_count !== null && switched === "to_explicit") this.switchControl(p.max_switch_count);
    if (this.budget >= 0) this.budget--;

    sampler.accept?.(tokenId);
    this.t++;
    const stop: StopReason | null = this.stopIds.has(tokenId)
      ? "eos"
      : this.budget === 0
        ? "answer_budget"
        : this.t >= p.max_new_tokens
          ? "max_tokens"
          : null;
    this.done = stop !== null;
    return { tokenId, mode: this.mode, fed, entropy, refEntropy: this.refEntropy, switched, forced, stop };
  }

  /** A thinking budget closed the block: explicit from now on, as a sampled `</think>` would lock it. */
  closeReasoning(): void {
    this.locked = true;
    this.mode = "explicit";
    this.queue = [];
  }

  private transition(t: number, entropy: number): StepResult["switched"] {
    if (t === 0) {
      this.refEntropy = entropy;
      return null;
    }
    this.stay++;
    let switched: StepResult["switched"] = null;
    if (this.mode === "latent" && entropy < this.refEntropy) switched = "to_explicit";
    else if (
      this.mode === "explicit" &&
      entropy > this.refEntropy &&
      this.stay >= this.params.window &&
      !this.locked
    ) {
      switched = "to_latent";
    }
    if (switched === null) return null;
    this.mode = switched === "to_explicit" ? "explicit" : "latent";
    this.stay = 0;
    this.refEntropy = entropy;
    if (switched === "to_explicit") this.switches++;
    return switched;
  }

  // Into explicit, the token row is replaced for one step by beta*soft + (1-beta)*E[</think>]. The soft
  // vector is this step's plain soft mixture: the into-latent mix never applies on the same step.
  private explicitInput(
    t: number,
    tokenId: number,
    switched: StepResult["switched"],
    head: () => TopMass,
  ): FedInput {
    if (switched !== "to_explicit") return { kind: "token", id: tokenId };
    const beta = this.anneal(this.params.beta0, t);
    return {
      kind: "mixture",
      terms: blendTerms(beta, softTerms(head()), 1 - beta, [{ id: this.vocab.thinkEnd, weight: 1 }]),
    };
  }

  private latentInput(t: number, switched: StepResult["switched"], head: TopMass): FedInput {
    const soft = softTerms(head);
    if (t === 0) {
      return {
        kind: "mixture",
        terms: blendTerms(STEP0_SOFT_WEIGHT, soft, 1 - STEP0_SOFT_WEIGHT, [
          { id: this.vocab.lineBreak, weight: 1 },
        ]),
      };
    }
    if (switched !== "to_latent") return { kind: "mixture", terms: soft };
    const alpha = this.anneal(this.params.alpha0, t);
    return {
      kind: "mixture",
      terms: blendTerms(alpha, soft, 1 - alpha, [{ id: this.vocab.thinkStart, weight: 1 }]),
    };
  }

  // The injected tokens start on the next step; a new injection replaces a pending one.
  private switchControl(n: number): void {
    if (this.switches >= n && this.switches <= 2 * n) {
      this.queue = [...this.vocab.convergenceIds];
    } else if (this.switches > 2 * n) {
      this.queue = [...this.vocab.terminationIds];
      this.budget = this.params.answer_budget;
    }
  }

  // weight0 + (1 - weight0) * t / max_new_tokens: the special-row share fades out over the budget.
  private anneal(weight0: number, t: number): number {
    return weight0 + ((1 - weight0) * t) / this.params.max_new_tokens;
  }
}
