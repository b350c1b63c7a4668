/**
 * @module
 * SwiReasoning parameters, their defaults (the authors' reference loop) and validation.
 */

import type { StopParams } from "./controller.js";
import { validateStopParams } from "./controller.js";

/** Knobs of the SwiReasoning controller (names follow the paper / reference: alpha_0, beta_0, window_size). */
export interface SwirParams extends StopParams {
  /** Weight of the soft embedding against E[<think>] at a switch into latent, annealed to 1 over max_new_tokens. */
  alpha0: number;
  /** Weight of the soft embedding against E[</think>] at a switch into explicit, annealed to 1 likewise. */
  beta0: number;
  /** Minimum explicit steps before an explicit -> latent switch (the reference's window_size). */
  window: number;
  /** Switch-count control N (convergence then termination injection); null disables. */
  max_switch_count: number | null;
  /** Math tokens force an explicit step even in latent mode. */
  math_tokens: boolean;
  /** The soft embedding keeps the smallest head of p holding >= 1 - soft_epsilon of the mass... */
  soft_epsilon: number;
  /** ...capped at this many tokens; the rest of the mass goes to the vocabulary-mean row. */
  soft_max_terms: number;
  /** Tokens allowed after a termination injection starts, counting the switch step (the reference's 32). */
  answer_budget: number;
}

/**
 * Defaults: the reference's alpha_0 = 1.0, beta_0 = 0.7, window 512, switch control off (benchmarks;
 * the reference chat uses max_switch_count = 2), math tokens on, answer budget 32. The soft head
 * (epsilon 1e-3, at most 1024 terms) is Rio's and was chosen by test/decoding/soft-embedding.test.ts.
 */
export const SWIR_DEFAULTS: Omit<SwirParams, keyof StopParams> = {
  alpha0: 1,
  beta0: 0.7,
  window: 512,
  max_switch_count: null,
  math_tokens: true,
  soft_epsilon: 1e-3,
  soft_max_terms: 1024,
  answer_budget: 32,
};

/**
 * Fills unset fields from {@link SWIR_DEFAULTS} and checks ranges.
 *
 * @example
 * const params = swirParams({ max_new_tokens: 4096, stop_token_ids: [151645], alpha0: 0.5, max_switch_count: 2 });
 */
export function swirParams(partial: Partial<SwirParams> & StopParams): SwirParams {
  const p: SwirParams = { ...SWIR_DEFAULTS, ...partial };
  validateStopParams(p, "SwirParams");
  const fail = (field: string, expectation: string, value: unknown) => {
    throw new Error(`SwirParams: ${field} must be ${expectation}, got ${value}`);
  };
  if (!(p.alpha0 >= 0 && p.alpha0 <= 1)) fail("alpha0", "in [0, 1]", p.alpha0);
  if (!(p.beta0 >= 0 && p.beta0 <= 1)) fail("beta0", "in [0, 1]", p.beta0);
  if (!Number.isInteger(p.window) || p.window < 0) fail("window", "an integer >= 0", p.window);
  if (p.max_switch_count !== null && (!Number.isInteger(p.max_switch_count) || p.max_switch_count < 1)) {
    fail("max_switch_count", "null or an integer >= 1", p.max_switch_count);
  }
  if (!(p.soft_epsilon >= 0 && p.soft_epsilon < 1)) fail("soft_epsilon", "in [0, 1)", p.soft_epsilon);
  if (!Number.isInteger(p.soft_max_terms) || p.soft_max_terms < 1)
    fail("soft_max_terms", "an integer >= 1", p.soft_max_terms);
  if (!Number.isInteger(p.answer_budget) || p.answer_budget < 1)
    fail("answer_budget", "an integer >= 1", p.answer_budget);
  return p;
}
