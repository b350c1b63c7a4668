/**
 * @module The chat endpoint's ChoiceFormat: `delta` / `message` with the reasoning (as both `reasoning_content`
 * and `reasoning`) and tool_calls.
 * With built-in tools it spans the agent's generations: the message's reasoning and content are all the
 * generations wrote, in order (as the stream sent them), and each tool run shows in Rio's `rio` field,
 * streamed as `rio.builtin_call` then `rio.builtin_result`, and listed in the whole choice's
 * `rio.builtin_calls`.
 */
import type { ToolCallRequest, ToolRun, TurnText } from "../agent/index.js";
import type { FinishReason, GenerateStep } from "../decoding/index.js";
import type { RioTokenizer } from "../tokenizer/index.js";
import { type ChatDelta, ChatOutput, type ChatOutputOptions } from "./chat-output.js";
import {
  type AgentFormat,
  type ChoiceFields,
  type ChoiceFormat,
  finishReason,
  modesField,
} from "./choice-format.js";
import { type ChatTokenLogprob, chatLogprob } from "./logprobs-format.js";

/** What a chat choice reports besides the message. */
export interface ChatFormatOptions extends ChatOutputOptions {
  tokenizer: RioTokenizer;
  logprobs: boolean;
  modes: boolean;
}

/** A built-in tool run as the chat response shows it. */
export interface BuiltinCallRecord {
  id: string;
  name: string;
  /** The arguments the model wrote, as JSON text. */
  arguments: string;
  /** The result text the model read. */
  output: string;
  is_error: boolean;
  outcome: ToolRun["outcome"];
  duration_ms: number;
}

/**
 * @example
 * const format = new ChatFormat({ tokenizer, startsInReasoning: false, toolFormat: "json", logprobs: false, modes: false });
 * format.step(step); // { delta: { content: "Hi" } }
 */
export class ChatFormat implements ChoiceFormat, AgentFormat<ChoiceFields> {
  private output: ChatOutput;
  /** Text of the generations before the current one. */
  private readonly earlier = { content: "", reasoning_content: "" };
  private readonly builtinCalls: BuiltinCallRecord[] = [];
  private readonly logprobs: ChatTokenLogprob[] = [];
  private readonly modes: GenerateStep["mode"][] = [];
  private pending = { logprobs: 0, modes: 0 };

  constructor(private readonly opts: ChatFormatOptions) {
    this.output = new ChatOutput(opts);
  }

  opening(): ChoiceFields {
    return { delta: { role: "assistant", content: "" } };
  }

  step(step: GenerateStep): ChoiceFields | undefined {
    const logprob = this.opts.logprobs ? chatLogprob(this.opts.tokenizer, step) : undefined;
    if (logprob) this.logprobs.push(logprob);
    if (this.opts.modes) this.modes.push(step.mode);
    return this.chunk(this.output.push(step.text), false);
  }

  finish(reason: FinishReason): { fields: ChoiceFields; finishReason: string } {
    const fields = this.chunk(this.output.finish(), true) ?? { delta: {} };
    return { fields, finishReason: finishReason(reason, this.output.callsToRun) };
  }

  nextGeneration(startsInReasoning: boolean): void {
    this.earlier.content += this.output.message.content;
    this.earlier.reasoning_content += this.output.message.reasoning_content;
    this.output = new ChatOutput({ ...this.opts, startsInReasoning });
  }

  turn(): TurnText {
    return this.output.turn();
  }

  toolCall(call: ToolCallRequest): ChoiceFields {
    return { delta: {}, rio: { builtin_call: { id: call.id, name: call.name, arguments: call.arguments } } };
  }

  toolResult(run: ToolRun): ChoiceFields {
    const record: BuiltinCallRecord = {
      id: run.call.id,
      name: run.call.name,
      arguments: run.call.arguments,
      output: run.result.text,
      is_error: run.result.isError,
      outcome: run.outcome,
      duration_ms: run.durationMs,
    };
    this.builtinCalls.push(record);
    const { arguments: _, ...result } = record;
    return { delta: {}, rio: { builtin_result: result } };
  }

  whole(): ChoiceFields {
    const { tool_calls } = this.output.message;
    const content = this.earlier.content + this.output.message.content;
    const reasoning_content = this.earlier.reasoning_content + this.output.message.reasoning_content;
    const rio = {
      ...(this.opts.modes ? { modes: this.modes } : {}),
      ...(this.builtinCalls.length > 0 ? { builtin_calls: this.builtinCalls } : {}),
    };
    return {
      message: {
        role: "assistant",
        content: tool_calls.length > 0 && content.trim() === "" ? null : content,
        ...(reasoning_content ? { reasoning_content, reasoning: reasoning_content } : {}),
        ...(tool_calls.length > 0 ? { tool_calls } : {}),
      },
      logprobs: this.opts.logprobs ? { content: this.logprobs } : null,
      ...(Object.keys(rio).length > 0 ? { rio } : {}),
    };
  }

  /** A chunk with the delta and the logprobs/modes not yet sent; undefined when all are empty (unless forced). */
  private chunk(delta: ChatDelta, force: boolean): ChoiceFields | undefined {
    const logprobs = this.logprobs.slice(this.pending.logprobs);
    const modes = this.modes.slice(this.pending.modes);
    if (!force && Object.keys(delta).length === 0 && logprobs.length === 0 && modes.length === 0)
      return undefined;
    this.pending = { logprobs: this.logprobs.length, modes: this.modes.length };
    return {
      // `reasoning` too, for clients of vLLM's newer field name
      delta: delta.reasoning_content ? { ...delta, reasoning: delta.reasoning_content } : delta,
      ...(this.opts.logprobs ? { logprobs: { content: logprobs } } : {}),
      ...modesField(this.opts.modes ? modes : undefined),
    };
  }
}
