/**
 * @module The Responses API's StepFormat: each decoding step's text goes through chat completions' own
 * splitter (ChatOutput: reasoning, answer, tool calls in the model's format) and comes out as output items
 * and their events. It also counts the reasoning tokens `usage` reports. With built-in tools it spans the
 * agent's generations, each run an item between them.
 */
import type { ToolCallRequest, ToolRun, TurnText } from "../../agent/index.js";
import type { FinishReason, GenerateStep } from "../../decoding/index.js";
import type { RailSet } from "../../guardrails/index.js";
import { type ChatDelta, ChatOutput, type ChatOutputOptions } from "../chat-output.js";
import { type AgentFormat, finishReason } from "../choice-format.js";
import { DeltaRails } from "../delta-rails.js";
import type { RailedFormat } from "../railed-format.js";
import { type OutputEvent, ResponseOutput } from "./output.js";

/**
 * @example
 * const format = new ResponseFormat({ startsInReasoning: true, toolFormat: "json" });
 * format.step(step);            // [{ type: "response.output_item.added", ... }, { type: "response.reasoning_text.delta", ... }]
 * format.finish("length");      // { fields: [...closing events], finishReason: "length" }
 * format.output.items;          // the response's `output`
 */
export class ResponseFormat implements AgentFormat<OutputEvent[]>, RailedFormat<OutputEvent[]> {
  readonly output = new ResponseOutput();
  /** Output rails, when the request has any (never a judged one: the answer streams as events). */
  readonly rails: DeltaRails | undefined;
  private text: ChatOutput;
  /** Reasoning tokens of the earlier generations, and of the current one (see reasoningTokens). */
  private readonly reasoning = { earlier: 0, current: 0 };

  constructor(
    private readonly opts: ChatOutputOptions,
    rails?: RailSet,
  ) {
    this.text = new ChatOutput(opts);
    this.rails = rails && new DeltaRails(rails);
  }

  /** Per generation, the steps up to the last one that produced reasoning text: the think block's tokens, near enough. */
  get reasoningTokens(): number {
    return this.reasoning.earlier + this.reasoning.current;
  }

  step(step: GenerateStep): OutputEvent[] | undefined {
    const delta = this.text.push(step.text);
    if (delta.reasoning_content) this.reasoning.current = step.index + 1;
    this.rails?.step();
    const events = this.output.push(this.rails ? this.rails.push(delta) : delta);
    return events.length > 0 ? events : undefined;
  }

  finish(reason: FinishReason): { fields: OutputEvent[]; finishReason: string } {
    const delta = this.text.finish();
    const last = this.rails
      ? [...this.output.push(this.rails.push(delta)), ...this.output.push(this.rails.flush())]
      : this.output.push(delta);
    const filtered = this.rails?.blocked !== undefined;
    return {
      fields: [...last, ...this.output.finish(cutByLimit(reason) || filtered, this.text.brokenCall)],
      finishReason: filtered ? "content_filter" : finishReason(reason, this.text.callsToRun),
    };
  }

  lastFields(fields: OutputEvent[] | undefined, tail: ChatDelta): OutputEvent[] {
    // finish() released everything: only a judged rail (refused for this API) could hold text until now
    if (tail.content || tail.reasoning_content)
      throw new Error("output held past the Responses format's finish");
    return fields ?? [];
  }

  nextGeneration(startsInReasoning: boolean): void {
    this.reasoning.earlier += this.reasoning.current;
    this.reasoning.current = 0;
    this.text = new ChatOutput({ ...this.opts, startsInReasoning });
  }

  turn(): TurnText {
    return this.text.turn();
  }

  toolCall(call: ToolCallRequest): OutputEvent[] {
    return this.output.startCall(call);
  }

  toolResult(run: ToolRun): OutputEvent[] {
    return this.output.finishCall(run);
  }
}

/**
 * True when a token limit ended the generation (`max_output_tokens`, the context, or SwiReasoning's
 * answer budget): the response is then `incomplete`.
 */
export function cutByLimit(reason: FinishReason): boolean {
  return finishReason(reason, false) === "length";
}
