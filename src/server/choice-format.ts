/**
 * @module What differs between the chat and completions endpoints, as one interface: how one choice turns
 * decoding steps into streamed chunk fields and into the whole choice. The response code (respond-*.ts)
 * is shared.
 */
import type { FinishReason, GenerateStep } from "../decoding/index.js";

/** Fields of one choice in a chunk or a response, besides `index` and `finish_reason`. */
export type ChoiceFields = Record<string, unknown>;

/** One choice's output shaping; a new instance per choice. */
export interface ChoiceFormat {
  /** Fields of the choice's first streamed chunk (chat: the assistant role), if any. */
  opening(): ChoiceFields | undefined;
  /** Fields to stream for one step, or undefined when nothing is ready to send. */
  step(step: GenerateStep): ChoiceFields | undefined;
  /** Fields of the last streamed chunk (text held back until now) and the OpenAI finish reason. */
  finish(reason: FinishReason): { fields: ChoiceFields; finishReason: string };
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
