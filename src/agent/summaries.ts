/** @module One summary for the several generations of one agent answer. */
import type { GenerateSummary } from "../decoding/index.js";

/**
 * The two generations as one: counts and times added, speed over the whole decode, the later stop reason.
 * @example
 * mergeSummaries(first, second).tokens === first.tokens + second.tokens; // true
 */
export function mergeSummaries(a: GenerateSummary, b: GenerateSummary): GenerateSummary {
  const decodeMs = a.timings.decodeMs + b.timings.decodeMs;
  const tokens = a.tokens + b.tokens;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    tokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    latentSteps: a.latentSteps + b.latentSteps,
    switches: a.switches + b.switches,
    stopReason: b.stopReason,
    timings: {
      queueMs: a.timings.queueMs + b.timings.queueMs,
      prefillMs: a.timings.prefillMs + b.timings.prefillMs,
      decodeMs,
      decodeTokensPerSecond: tokens / (decodeMs / 1000),
    },
  };
}
