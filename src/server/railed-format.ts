/**
 * @module Output rails on a chat choice: a ChoiceFormat that passes the answer and the reasoning through their
 * rails as they stream (released text only, redacted), and the runner around it, which stops the generation
 * when a rail blocks, waits for the last release (and the judge) before the final chunk, and ends a blocked
 * choice with finish_reason `content_filter` and the block in `rio.guardrails`.
 */
import type { ToolCallRequest, ToolRun, TurnText } from "../agent/index.js";
import type { FinishReason, GenerateStep } from "../decoding/index.js";
import { type Block, type Finding, OutputRail, type RailSet } from "../guardrails/index.js";
import type { ChatFormat } from "./chat-format.js";
import type { AgentFormat, ChoiceFields, ChoiceFormat } from "./choice-format.js";
import type { ChoiceRunner } from "./run-choice.js";

type Delta = { content?: string; reasoning_content?: string; reasoning?: string; [field: string]: unknown };

/** Why a railed generation was stopped. */
class RailBlocked extends Error {}

/**
 * @example
 * const format = new RailedChatFormat(new ChatFormat(opts), rails);
 * format.step(step); // { delta: { content: "mail [REDACTED:email]" } } once released
 */
export class RailedChatFormat implements ChoiceFormat, AgentFormat<ChoiceFields> {
  private readonly answer: OutputRail;
  private readonly reasoning: OutputRail;
  private readonly released = { content: "", reasoning_content: "" };
  /** Called when a rail blocks (the runner stops the generation). */
  onBlock: () => void = () => {};
  /** Steps seen, with those inside the reasoning: a stopped generation's token counts. */
  readonly steps = { tokens: 0, reasoning: 0 };

  constructor(
    private readonly inner: ChatFormat,
    rails: RailSet,
  ) {
    this.answer = new OutputRail(rails.on("answer"), "answer", rails.judge);
    this.reasoning = new OutputRail(rails.on("reasoning"), "reasoning", rails.judge);
  }

  get blocked(): Block | undefined {
    return this.reasoning.blocked ?? this.answer.blocked;
  }

  get findings(): Finding[] {
    return [...this.reasoning.findings, ...this.answer.findings];
  }

  opening(): ChoiceFields | undefined {
    return this.inner.opening();
  }

  step(step: GenerateStep): ChoiceFields | undefined {
    this.steps.tokens++;
    // until the answer starts, a step is the reasoning's (the count of a stopped generation; close enough)
    if (this.answer.text === "" && this.reasoning.text !== "") this.steps.reasoning++;
    return this.rail(this.inner.step(step));
  }

  finish(reason: FinishReason): { fields: ChoiceFields; finishReason: string } {
    const end = this.inner.finish(reason);
    return { fields: this.rail(end.fields) ?? { delta: {} }, finishReason: end.finishReason };
  }

  /** Releases what the rails still hold (after the judge, when a rail asks for it): the last chunk's delta. */
  async settle(): Promise<Delta> {
    const reasoning = await this.reasoning.finish();
    const content = await this.answer.finish();
    return this.released_(content, reasoning);
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
    const { content, reasoning_content } = this.released;
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

  /** `rio.guardrails` with the block (and the rails that flagged or redacted), merged into `rio`. */
  rioField(rio: object | undefined = undefined): ChoiceFields {
    const findings = this.findings.map(({ rationale: _, ...f }) => f);
    if (!this.blocked && findings.length === 0) return rio ? { rio } : {};
    return { rio: { ...rio, guardrails: { ...(this.blocked ? { blocked: this.blocked } : {}), findings } } };
  }

  private rail(fields: ChoiceFields | undefined): ChoiceFields | undefined {
    if (!fields) return undefined;
    const delta = (fields.delta ?? {}) as Delta;
    const { content, reasoning_content, reasoning: _, ...rest } = delta;
    const railed = this.released_(
      content === undefined ? "" : this.answer.push(content),
      reasoning_content === undefined ? "" : this.reasoning.push(reasoning_content),
    );
    if (this.blocked) this.onBlock();
    const out = { ...fields, delta: { ...rest, ...railed } };
    const empty = Object.keys(out.delta).length === 0 && Object.keys(out).length === 1;
    return empty ? undefined : out;
  }

  private released_(content: string, reasoning: string): Delta {
    this.released.content += content;
    this.released.reasoning_content += reasoning;
    return {
      ...(content ? { content } : {}),
      ...(reasoning ? { reasoning_content: reasoning, reasoning } : {}),
    };
  }
}

/**
 * Runs a railed choice through `inner` (one generation or the agent loop). `report` gets the rails' findings
 * once the choice ends.
 * @example
 * const run = railedRunner(runChoice, (findings) => audit(server, request, findings));
 */
export function railedRunner(
  inner: ChoiceRunner<RailedChatFormat, ChoiceFields>,
  report: (findings: Finding[]) => void,
): ChoiceRunner<RailedChatFormat, ChoiceFields> {
  return async (ctx, job, emit) => {
    const stop = new AbortController();
    job.format.onBlock = () => stop.abort(new RailBlocked());
    const outer = job.request.signal;
    const signal = outer ? AbortSignal.any([outer, stop.signal]) : stop.signal;
    // the last fields wait for the rails' last release
    let held: { fields: ChoiceFields; reason: string } | undefined;
    const railedJob = { ...job, request: { ...job.request, signal } };
    const result = await inner(ctx, railedJob, (fields, reason) => {
      if (reason === null) emit(fields, null);
      else held = { fields, reason };
    }).catch((error) => {
      if (!(stop.signal.aborted && !outer?.aborted)) throw error;
      const { tokens, reasoning } = job.format.steps;
      const summary = {
        promptTokens: job.request.prompt.length,
        tokens,
        reasoningTokens: reasoning,
        latentSteps: 0,
        switches: 0,
        stopReason: "stop" as const,
        timings: { queueMs: 0, prefillMs: 0, decodeMs: 0, decodeTokensPerSecond: 0 },
      };
      return { index: job.index, finishReason: "content_filter", summary };
    });
    const tail = await job.format.settle();
    report(job.format.findings);
    const fields = held?.fields ?? { delta: {} };
    const delta = { ...(fields.delta as Delta) };
    for (const [field, text] of Object.entries(tail)) delta[field] = `${delta[field] ?? ""}${text}`;
    const finishReason = job.format.blocked ? "content_filter" : (held?.reason ?? result.finishReason);
    emit({ ...fields, delta, ...job.format.rioField(fields.rio as object | undefined) }, finishReason);
    return { ...result, finishReason };
  };
}
