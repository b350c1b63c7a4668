/**
 * @module What differs between the generating endpoints, as one interface: how one choice turns decoding
 * steps into what is streamed (chunk fields, or Responses API events) and, for chat and completions, into
 * the whole choice. The response code (respond.ts) is shared by chat and completions.
 */
import type { ToolCallRequest, ToolRun, TurnText } from "../agent/index.js";
import type { FinishReason, GenerateStep } from "../decoding/index.js";

/** Fields of one choice in a chunk or a response, besides `index` and `finish_reason`. */
export type ChoiceFields = Record<string, unknown>;

/**
 * How one generation's steps become what an endpoint streams (`F`): chunk fields for chat and completions,
 * Responses API events for /v1/responses. A new instance per generation.
 */
export interface StepFormat<F> {
  /** What to stream for one step, or undefined when nothing is ready to send. */
  step(step: GenerateStep): F | undefined;
  /** What to stream last (text held back until now) and the OpenAI finish reason. */
  finish(reason: FinishReason): { fields: F; finishReason: string };
}

/**
 * A StepFormat for an answer of several generations with built-in tool runs between them (the agent
 * loop): what each generation wrote, and what to stream when a tool starts and when it has its result.
 */
export interface AgentFormat<F> extends StepFormat<F> {
  /** Starts the next generation's output; its prompt may have opened the think block. */
  nextGeneration(startsInReasoning: boolean): void;
  /** What the current generation wrote (after its finish). */
  turn(): TurnText;
  toolCall(call: ToolCallRequest): F | undefined;
  toolResult(run: ToolRun): F | undefined;
}

/** One choice's output shaping for chat and completions; a new instance per choice. */
export interface ChoiceFormat extends StepFormat<ChoiceFields> {
  /** Fields of the choice's first streamed chunk (chat: the assistant role), if any. */
  opening(): ChoiceFields | undefined;
  /** The whole choice of a non-streaming response; call after finish(). */
  whole(): ChoiceFields;
}

/** The endpoint's object names and its per-choice format. */
export interface EndpointFormat {
  /** `object` of a whole response ("chat.completion" / "text_completion"). */
  object: string;
  /** `object` of a streamed chunk. */
  chunkObject: string;
  /** Prefix of response ids ("chatcmpl" / "cmpl"). */
  idPrefix: string;
}

/**
 * OpenAI's finish reason for how a generation ended.
 * @example
 * finishReason("answer_budget", false); // "length"
 */
export function finishReason(reason: FinishReason, toolCalls: boolean): string {
  if (toolCalls) return "tool_calls";
  return reason === "length" || reason === "answer_budget" ? "length" : "stop";
}

/** The `rio` extension of a chunk or choice: each token's SwiReasoning mode, when the request asked for it. */
export function modesField(modes: GenerateStep["mode"][] | undefined): ChoiceFields {
  return modes ? { rio: { modes } } : {};
}
