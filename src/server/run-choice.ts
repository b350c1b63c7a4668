/**
 * @module Runs one choice's generation on the shared scheduler, hands each step to the choice's format,
 * and records the metrics. A cancelled generation rethrows its abort reason (disconnect or shutdown).
 */
import { type GenerateRequest, type GenerateSummary, generate } from "../decoding/index.js";
import type { RioModel, Scheduler } from "../engine/index.js";
import type { ChoiceFields, ChoiceFormat } from "./choice-format.js";
import type { Metrics } from "./metrics.js";

/** One choice to generate: its position in `choices`, the request (prompt included) and its format. */
export interface ChoiceJob {
  index: number;
  request: GenerateRequest & { prompt: number[] };
  format: ChoiceFormat;
}

/** What a choice run needs from the server. */
export interface RunContext {
  model: RioModel;
  scheduler: Scheduler;
  metrics: Metrics;
  /** performance.now() when the HTTP request arrived. */
  arrivedAt: number;
}

/** A finished choice. */
export interface ChoiceResult {
  index: number;
  finishReason: string;
  summary: GenerateSummary;
}

/**
 * Generates one choice; `emit` receives the streamed fields of each chunk (the last one with its finish reason).
 * @example
 * const result = await runChoice(ctx, { index: 0, request, format: new CompletionFormat(tokenizer, opts) }, () => {});
 */
export async function runChoice(
  ctx: RunContext,
  job: ChoiceJob,
  emit: (fields: ChoiceFields, finishReason: string | null) => void,
): Promise<ChoiceResult> {
  const steps = generate(ctx.model, ctx.scheduler, job.request);
  let result = await steps.next();
  if (!result.done) ctx.metrics.observeTimeToFirstToken((performance.now() - ctx.arrivedAt) / 1000);
  while (!result.done) {
    const fields = job.format.step(result.value);
    if (fields) emit(fields, null);
    result = await steps.next();
  }
  const summary = result.value;
  ctx.metrics.observeGeneration({ ...summary, decodeTokensPerSecond: summary.timings.decodeTokensPerSecond });
  if (summary.stopReason === "aborted") throw job.request.signal?.reason ?? new Error("generation cancelled");
  const end = job.format.finish(summary.stopReason);
  emit(end.fields, end.finishReason);
  return { index: job.index, finishReason: end.finishReason, summary };
}

/** OpenAI's `usage` for a set of finished choices. */
export function usage(promptTokens: number, results: ChoiceResult[]) {
  const completion = results.reduce((sum, r) => sum + r.summary.tokens, 0);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
  };
}
