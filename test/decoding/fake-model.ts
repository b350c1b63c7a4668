/**
 * @module
 * A scripted fake model for controller tests: a 64-token vocabulary with designated special ids, logits
 * rows whose entropy is set by one "level" (a higher level = a sharper peak = a lower entropy), and a
 * sampler that returns scripted tokens.
 */

import type { DecodingController, StepResult, SwirVocab, TokenSampler } from "../../src/decoding/index.js";

export const VOCAB = 64;
export const THINK = 60;
export const END = 61;
export const LB = 62;
export const EOS = 63;
/** Ids 10..19 play the digits. */
export const MATH = new Set([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
export const TERMINATION = [END, 40, 41, 42];

export const FAKE_VOCAB: SwirVocab = {
  thinkStart: THINK,
  thinkEnd: END,
  lineBreak: LB,
  mathIds: MATH,
  convergenceIds: [END],
  terminationIds: TERMINATION,
};

/**
 * A row peaked on `top` with logit `level` (others 0). Entropy falls as the level rises; from level 12
 * up the other 63 tokens hold < 1e-3 of the mass, so the default soft head is just `top` with weight 1.
 */
export function row(level: number, top = 0): Float32Array {
  const logits = new Float32Array(VOCAB);
  logits[top] = level;
  return logits;
}

/** Returns scripted tokens in order and records what the controller says was emitted. */
export class ScriptedSampler implements TokenSampler {
  readonly accepted: number[] = [];
  private next = 0;
  constructor(private readonly tokens: number[]) {}
  sample(): number {
    if (this.next >= this.tokens.length) throw new Error("ScriptedSampler: script exhausted");
    return this.tokens[this.next++];
  }
  accept(tokenId: number): void {
    this.accepted.push(tokenId);
  }
}

/** One scripted step: the logits level (and peak id) and the token the sampler returns. */
export interface ScriptStep {
  level: number;
  token: number;
  top?: number;
}

/** Runs a script to its end or to the controller's stop. */
export function runScript(
  controller: DecodingController,
  script: ScriptStep[],
): { results: StepResult[]; sampler: ScriptedSampler } {
  const sampler = new ScriptedSampler(script.map((s) => s.token));
  const results: StepResult[] = [];
  for (const s of script) {
    const r = controller.step(row(s.level, s.top ?? 0), sampler);
    results.push(r);
    if (r.stop) break;
  }
  return { results, sampler };
}
