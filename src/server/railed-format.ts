/**
 * @module Output rails on a choice: the chat ChoiceFormat that passes the answer and the reasoning through their
 * rails as they stream (released text only, redacted), and the runner around any railed format (chat or
 * Responses), which stops the generation when a rail blocks, closes the output, waits for the rails' last
 * release (and the judge) before the last fields, and ends a blocked choice with `content_filter`.
 */
import type { ToolCallRequest, ToolRun, TurnText } from "../agent/index.js";
import type { FinishReason, GenerateStep } from "../decoding/index.js";
import type { Finding, RailSet } from "../guardrails/index.js";
import type { ChatFormat } from "./chat-format.js";
import type { ChatDelta } from "./chat-output.js";
import type { AgentFormat, ChoiceFields, ChoiceFormat, StepFormat } from "./choice-format.js";
import { DeltaRails } from "./delta-rails.js";
import type { ChoiceRunner } from "./run-choice.js";

/** A format whose texts pass through output rails. */
export interface RailedFormat<F> extends StepFormat<F> {
  readonly rails: DeltaRails | undefined;
  /** The last fields to send: `fields` (the format's finish) with the rails' last release and their report. */
  lastFields(fields: F | undefined, tail: ChatDelta): F;
}

/** Why a railed generation was stopped. */
class RailBlocked extends Error {}

/**
 * @example
 * const format = new RailedChatFormat(new ChatFormat(opts), rails);
 * format.step(step); // { delta: { content: "mail [REDACTED:email]" } } once released
 */
export class RailedChatFormat implements ChoiceFormat, AgentFormat<ChoiceFields>, RailedFormat<ChoiceFields> {
  readonly rails: DeltaRails;

  constructor(
    private readonly inner: ChatFormat,
    rails: RailSet,
  ) {
    this.rails = new DeltaRails(rails);
  }

  opening(): ChoiceFields | undefined {
    return this.inner.opening();
  }

  step(step: GenerateStep): ChoiceFields | undefined {
    this.rails.step();
    return this.rail(this.inner.step(step));
  }

  finish(reason: FinishReason): { fields: ChoiceFields; finishReason: string } {
    const end = this.inner.finish(reason);
    return { fields: this.rail(end.fields) ?? { delta: {} }, finishReason: end.finishReason };
  }

  nextGeneration(startsInReasoning: boolean): void {
    this.inner.nextGeneration(startsInReasoning);
  }

  turn(): TurnText {
    return this.inner.turn();
  }

  toolCall(call: ToolCallRequest): ChoiceFields | undefined {
    return this.inner.toolCall(call);
  }

  toolResult(run: ToolRun): ChoiceFields | undefined {
    return this.inner.toolResult(run);
  }

  whole(): ChoiceFields {
    const whole = this.inner.whole();
    const message = whole.message as {
      content: string | null;
      reasoning_content?: string;
      reasoning?: string;
      tool_calls?: unknown[];
    };
    const { content, reasoning_content } = this.rails.released;
    message.content = message.tool_calls && content.trim() === "" ? null : content;
    if (reasoning_content) {
      message.reasoning_content = reasoning_content;
      message.reasoning = reasoning_content;
    } else {
      delete message.reasoning_content;
      delete message.reasoning;
    }
    return { ...whole, ...this.rioField(whole.rio as object | undefined) };
  }

  lastFields(fields: ChoiceFields | undefined, tail: ChatDelta): ChoiceFields {
    const last = fields ?? { delta: {} };
    const delta = { ...(last.delta as Record<string, string>) };
    for (const [field, text] of Object.entries(withReasoning(tail)))
      delta[field] = `${delta[field] ?? ""}${text}`;
    return { ...last, delta, ...this.rioField(last.rio as object | undefined) };
  }

  /** `rio.guardrails` with the block and the findings, merged into `rio`. */
  rioField(rio: object | undefined = undefined): ChoiceFields {
    const report = this.rails.report();
    if (!report) return rio ? { rio } : {};
    return { rio: { ...rio, guardrails: report } };
  }

  private rail(fields: ChoiceFields | undefined): ChoiceFields | undefined {
    if (!fields) return undefined;
    // `reasoning` is the chat format's copy of `reasoning_content`: railed once, copied again
    const { reasoning: _, ...delta } = (fields.delta ?? {}) as ChatDelta & { reasoning?: string };
    const out = { ...fields, delta: withReasoning(this.rails.push(delta)) };
    const empty = Object.keys(out.delta).length === 0 && Object.keys(out).length === 1;
    return empty ? undefined : out;
  }
}

function withReasoning(delta: ChatDelta): ChatDelta & { reasoning?: string } {
  return delta.reasoning_content ? { ...delta, reasoning: delta.reasoning_content } : delta;
}

/**
 * Runs a railed choice through `inner` (one generation or the agent loop). `report` gets the rails' findings
 * once the choice ends.
 * @example
 * const run = railedRunner(runChoice, (findings) => audit(server, request, findings));
 */
export function railedRunner<F, Format extends RailedFormat<F>>(
  inner: ChoiceRunner<Format, F>,
  report: (findings: Finding[]) => void,
): ChoiceRunner<Format, F> {
  return async (ctx, job, emit) => {
    const rails = job.format.rails;
    if (!rails) return inner(ctx, job, emit);
    const stop = new AbortController();
    rails.onBlock = () => stop.abort(new RailBlocked());
    const outer = job.request.signal;
    const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
    // the last fields wait for the rails' last release
    let held: { fields: F; reason: string } | undefined;
    const railedJob = { ...job, request: { ...job.request, signal } };
    const result = await inner(ctx, railedJob, (fields, reason) => {
      if (reason === null) emit(fields, null);
      else held = { fields, reason };
    }).catch((error) => {
      if (!(stop.signal.aborted && !outer?.aborted)) throw error;
      // stopped mid-generation: the format closes what it had open
      const end = job.format.finish("stop");
      held = { fields: end.fields, reason: end.finishReason };
      return {
        index: job.index,
        finishReason: "content_filter",
        summary: rails.stoppedSummary(job.request.prompt.length),
      };
    });
    const tail = await rails.settle();
    report(rails.findings);
    const finishReason = rails.blocked ? "content_filter" : (held?.reason ?? result.finishReason);
    emit(job.format.lastFields(held?.fields, tail), finishReason);
    return { ...result, finishReason };
  };
}
