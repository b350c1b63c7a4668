/**
 * @module The Response object around the output items: its id and the request settings it echoes, its
 * status (in_progress while streaming, then completed, incomplete when a token limit cut it, or failed),
 * and `usage` in the Responses API's names.
 */
import { randomBytes } from "node:crypto";
import type { GenerateSummary } from "../../decoding/index.js";
import { cutByLimit } from "./format.js";
import type { OutputItem } from "./output.js";
import type { ResponsesRequest } from "./schema.js";

/** Token counts as the Responses API reports them (nothing is served from a prompt cache). */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** What every state of one response repeats: its id, creation time and the echoed request settings. */
export type ResponseHead = ReturnType<typeof responseHead>;

/** A Response object, as returned, streamed and stored. */
export type ResponseObject = ResponseHead & {
  status: "in_progress" | "completed" | "incomplete" | "failed";
  completed_at: number | null;
  output: OutputItem[];
  error: { code: "server_error"; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  usage: ResponseUsage | null;
  /** Rio's extension: what the output guardrails blocked or found. */
  rio?: { guardrails: object };
};

/**
 * The fixed part of a new response to `request`.
 * @example
 * const head = responseHead(body, "qwen3-0.6b"); // { id: "resp_…", object: "response", created_at, model: "qwen3-0.6b", ... }
 */
export function responseHead(request: ResponsesRequest, model: string) {
  return {
    id: `resp_${randomBytes(24).toString("hex")}`,
    object: "response" as const,
    created_at: Math.floor(Date.now() / 1000),
    model,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    metadata: request.metadata ?? {},
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: request.store ?? true,
    temperature: request.temperature ?? null,
    text: { format: request.text?.format ?? { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: "disabled" as const,
    background: false,
    ...(request.user !== undefined ? { user: request.user } : {}),
  };
}

/** The response while it is being generated (the first streamed events carry it). */
export function inProgressResponse(head: ResponseHead): ResponseObject {
  return {
    ...head,
    status: "in_progress",
    completed_at: null,
    output: [],
    error: null,
    incomplete_details: null,
    usage: null,
  };
}

/**
 * The finished response: completed, or incomplete when a token limit (or, `filtered`, an output guardrail)
 * ended it.
 * @example
 * finishedResponse(head, format.output.items, summary, format.reasoningTokens).status; // "completed"
 */
export function finishedResponse(
  head: ResponseHead,
  output: OutputItem[],
  summary: GenerateSummary,
  reasoningTokens: number,
  filtered = false,
): ResponseObject {
  const cut = filtered || cutByLimit(summary.stopReason);
  return {
    ...head,
    status: cut ? "incomplete" : "completed",
    completed_at: cut ? null : Math.floor(Date.now() / 1000),
    output,
    error: null,
    incomplete_details: cut ? { reason: filtered ? "content_filter" : "max_output_tokens" } : null,
    usage: {
      input_tokens: summary.promptTokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: summary.tokens,
      output_tokens_details: { reasoning_tokens: Math.min(reasoningTokens, summary.tokens) },
      total_tokens: summary.promptTokens + summary.tokens,
    },
  };
}

/** A response that failed mid-way (shutdown, engine error): what was generated, and why it stopped. */
export function failedResponse(head: ResponseHead, output: OutputItem[], message: string): ResponseObject {
  return {
    ...inProgressResponse(head),
    status: "failed",
    output,
    error: { code: "server_error", message },
  };
}
