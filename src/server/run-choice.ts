/**
 * @module Runs one choice's generation on the shared scheduler, hands each step to the choice's format,
 * and records the metrics. A cancelled generation rethrows its abort reason (disconnect or shutdown).
 */
import { type GenerateRequest, type GenerateSummary, generate } from "../decoding/index.js";
import type { RioModel, Scheduler } from "../engine/index.js";
import type { ChoiceFormat, StepFormat } from "./choice-format.js";
import type { ContextBudget } from "./context-budget.js";
import { worstCaseRows } from "./generation-options.js";
import type { Metrics } from "./metrics.js";

/** One choice to generate: its position in `choices`, the request (prompt included) and its format. */
export interface ChoiceJob<Format extends StepFormat<unknown> = ChoiceFormat> {
  index: number;
  request: GenerateRequest & { prompt: number[] };
  format: Format;
  /**
   * Context cells the caller already reserved for this job (an agent answer reserves once for all its
   * generations and caps each to it); absent: runChoice reserves the job's worst case itself.
   */
  reserved?: number;
}

/** What a choice run needs from the server. */
export interface RunContext {
  model: RioModel;
  scheduler: Scheduler;
  metrics: Metrics;
  /** The server's context reservations; absent: nothing is reserved (the caller guarantees the room). */
  budget?: ContextBudget;
  /**
   * performance.now() when the HTTP request arrived; absent for a generation that is not the request's
   * first (an agent's later one), which has no time to first token.
   */
  arrivedAt?: number;
}

/** A finished choice. */
export interface ChoiceResult {
  index: number;
  finishReason: string;
  summary: GenerateSummary;
  /** Prompt tokens of generations after the first (an agent's, each rereading the conversation). */
  laterPromptTokens?: number;
}

/** How a choice runs: one generation (runChoice), or an agent's several (agentRunner). */
export type ChoiceRunner<Format extends StepFormat<F>, F> = (
  ctx: RunContext,
  job: ChoiceJob<Format>,
  emit: (fields: F, finishReason: string | null) => void,
) => Promise<ChoiceResult>;

/**
 * Generates one choice; `emit` receives what its format streams for each step (the last with its finish reason).
 * @example
 * const result = await runChoice(ctx, { index: 0, request, format: new CompletionFormat(tokenizer, opts) }, () => {});
 */
export async function runChoice<F>(
  ctx: RunContext,
  job: ChoiceJob<StepFormat<F>>,
  emit: (fields: F, finishReason: string | null) => void,
): Promise<ChoiceResult> {
  if (!ctx.budget || job.reserved !== undefined) return generateChoice(ctx, job, emit);
  // waits (in the admission queue) until the worst case fits beside the running generations'
  const hold = await ctx.budget.reserve(worstCaseRows(job.request, ctx.budget.capacity), job.request.signal);
  try {
    return await generateChoice(ctx, job, emit);
  } finally {
    hold.release();
  }
}

async function generateChoice<F>(
  ctx: RunContext,
  job: ChoiceJob<StepFormat<F>>,
  emit: (fields: F, finishReason: string | null) => void,
): Promise<ChoiceResult> {
  const steps = generate(ctx.model, ctx.scheduler, job.request);
  let result = await steps.next();
  if (!result.done && ctx.arrivedAt !== undefined)
    ctx.metrics.observeTimeToFirstToken((performance.now() - ctx.arrivedAt) / 1000);
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

/** OpenAI's `usage` for a set of finished choices; an agent's later prompts count as prompt tokens too. */
export function usage(promptTokens: number, results: ChoiceResult[]) {
  const completion = results.reduce((sum, r) => sum + r.summary.tokens, 0);
  const reasoning = results.reduce((sum, r) => sum + r.summary.reasoningTokens, 0);
  const prompt = results.reduce((sum, r) => sum + (r.laterPromptTokens ?? 0), promptTokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
