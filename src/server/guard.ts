/**
 * @module Guardrails and keys per request: the caller's key (identified once, on arrival, and rate-limited),
 * its model allow-list, the rails that apply to it, input rails over chat messages (user text, file parts read
 * as text, tool results), and the audit trail of what rails did: a log line and a metric per finding, never the
 * text a rail saw.
 */
import type { FastifyRequest } from "fastify";
import type { Finding, InputSource, RailSet } from "../guardrails/index.js";
import type { ChatMessage } from "../tokenizer/index.js";
import type { KeyEntry } from "./auth.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import type { InputItem } from "./responses/schema.js";
import type { ChatRequestMessage } from "./schemas/chat.js";

const keys = new WeakMap<FastifyRequest, KeyEntry>();

/**
 * Identifies the key of a /v1 request (401 without a known one) and counts it against the key's request
 * limit (429); a no-op when the server has no keys.
 */
export function authenticate(server: ServerContext, request: FastifyRequest): void {
  if (!server.keys) return;
  const key = server.keys.identify(request.headers.authorization);
  keys.set(request, key);
  server.limits.admit(key);
}

/** The key a request came with (undefined when the server has no keys). */
export function keyOf(request: FastifyRequest): KeyEntry | undefined {
  return keys.get(request);
}

/** Fails with 403 when the request's key may not use `model`. */
export function checkModelAllowed(request: FastifyRequest, model: string): void {
  const allowed = keyOf(request)?.models;
  if (allowed && !allowed.includes(model))
    throw new ApiError(
      403,
      `the key ${JSON.stringify(keyOf(request)?.name)} may not use the model ${JSON.stringify(model)}`,
      "permission_error",
      "model",
      "model_not_allowed",
    );
}

/**
 * The rails of one request: its key's (by name, application and policies) plus the policies the request names
 * in `field`; undefined when none apply.
 */
export function requestRails(
  server: ServerContext,
  request: FastifyRequest,
  requested: readonly string[] | undefined,
  field: string,
): RailSet | undefined {
  const guard = server.guardrails;
  requested?.forEach((name, i) => {
    if (!guard?.policyNames.includes(name))
      throw new ApiError(
        400,
        `${field}[${i}]: no guardrail policy named ${JSON.stringify(name)} (this server has: ${guard?.policyNames.join(", ") || "none"})`,
        "invalid_request_error",
        `${field}[${i}]`,
      );
  });
  if (!guard) return undefined;
  const key = keyOf(request);
  const rails = guard.select({
    key: key?.name,
    application: key?.application,
    policies: [...(key?.policies ?? []), ...(requested ?? [])],
  });
  return rails.rails.length > 0 ? rails : undefined;
}

/** Records what rails did: a metric per finding and an audit log line (rail, action, categories, counts; no text). */
export function audit(server: ServerContext, request: FastifyRequest, findings: readonly Finding[]): void {
  const key = keyOf(request)?.name;
  for (const f of findings) {
    server.metrics.observeRail(f.rail, f.stage, f.action, f.count);
    const line = {
      audit: "guardrail",
      key,
      rail: f.rail,
      stage: f.stage,
      source: f.source,
      action: f.action,
      categories: f.categories,
      count: f.count,
    };
    if (f.action === "flag") request.log.info(line, `guardrail ${f.rail} flagged ${f.source}`);
    else
      request.log.warn(
        line,
        `guardrail ${f.rail} ${f.action === "block" ? "blocked" : "redacted"} ${f.source}`,
      );
  }
}

/** Which input a message part is: file and image parts read as text are documents, the rest goes by role. */
function sourceOf(
  role: string,
  before: ChatRequestMessage["content"],
  part: number,
): InputSource | undefined {
  const original = Array.isArray(before) ? before[part] : undefined;
  if (original && original.type !== "text") return "document";
  return role === "user" ? "user" : role === "tool" ? "tool" : undefined;
}

/**
 * The messages after the input rails: `before` as the request sent them, `after` with file parts read as text
 * (same positions). A blocking rail fails the request with 400 `content_filter` naming the message.
 */
export async function railMessages(
  server: ServerContext,
  request: FastifyRequest,
  rails: RailSet,
  before: readonly ChatRequestMessage[],
  after: readonly ChatRequestMessage[],
  field: string,
): Promise<ChatRequestMessage[]> {
  const check = async (text: string, source: InputSource | undefined, param: string) =>
    source ? railInput(server, request, rails, text, source, param) : text;
  return Promise.all(
    after.map(async (message, i) => {
      const param = `${field}[${i}].content`;
      const content = message.content;
      if (typeof content === "string")
        return { ...message, content: await check(content, sourceOf(message.role, undefined, 0), param) };
      if (!content) return message;
      const parts = await Promise.all(
        content.map(async (part, j) =>
          part.type === "text"
            ? {
                ...part,
                text: await check(part.text, sourceOf(message.role, before[i]?.content, j), `${param}[${j}]`),
              }
            : part,
        ),
      );
      return { ...message, content: parts };
    }),
  );
}

/**
 * Rails the results of built-in tools before the model reads them (the agent loop's later generations): a
 * redacted result is passed on redacted, a blocked one is replaced by a note that names the rail.
 */
export function toolResultRail(
  server: ServerContext,
  request: FastifyRequest,
  rails: RailSet,
): (messages: ChatMessage[]) => Promise<ChatMessage[]> {
  return (messages) =>
    Promise.all(
      messages.map(async (message) => {
        if (message.role !== "tool" || typeof message.content !== "string") return message;
        const checked = await rails.checkInput(message.content, "tool");
        audit(server, request, checked.findings);
        const content = checked.blocked
          ? `[tool result withheld by guardrail ${checked.blocked.rail}: ${checked.blocked.message}]`
          : checked.text;
        return { ...message, content };
      }),
    );
}

/** True when some rail looks at the answer or the reasoning. */
export function outputRails(rails: RailSet): boolean {
  return rails.on("answer").length + rails.on("reasoning").length > 0;
}

/**
 * The request's rails for an endpoint that can rail its output only `as` far: not at all (raw completions),
 * or without a judge (the Responses API streams events that a judge holding the answer would not fit). A
 * request under rails the endpoint cannot run is refused rather than answered unchecked.
 */
export function endpointRails(
  server: ServerContext,
  request: FastifyRequest,
  requested: readonly string[] | undefined,
  endpoint: string,
  as: "input-only" | "unjudged-output",
): RailSet | undefined {
  const rails = requestRails(server, request, requested, "rio.guardrails");
  if (!rails || !outputRails(rails)) return rails;
  const judged = [...rails.on("answer"), ...rails.on("reasoning")].some((rail) => rail.judged);
  if (as === "input-only" || judged)
    throw new ApiError(
      400,
      `${endpoint} cannot run this key's ${as === "input-only" ? "output" : "judged output"} guardrails: use /v1/chat/completions`,
      "invalid_request_error",
      null,
      "content_filter_unsupported",
    );
  return rails;
}

/** Checks one input text; a blocking rail fails the request with 400 `content_filter` naming `param`. */
export async function railInput(
  server: ServerContext,
  request: FastifyRequest,
  rails: RailSet,
  text: string,
  source: InputSource,
  param: string,
): Promise<string> {
  const checked = await rails.checkInput(text, source);
  audit(server, request, checked.findings);
  if (checked.blocked)
    throw new ApiError(
      400,
      `${param}: ${checked.blocked.message} (guardrail ${checked.blocked.rail}: ${checked.blocked.categories.join(", ")})`,
      "invalid_request_error",
      param,
      "content_filter",
    );
  return checked.text;
}

/**
 * The Responses API's input items after the input rails: user messages (files read as text are documents) and
 * function call outputs (tool results). `before` and `after` are the items before and after files became text.
 */
export async function railResponseInput(
  server: ServerContext,
  request: FastifyRequest,
  rails: RailSet,
  before: readonly InputItem[],
  after: readonly InputItem[],
): Promise<InputItem[]> {
  const check = (text: string, source: InputSource, param: string) =>
    railInput(server, request, rails, text, source, param);
  return Promise.all(
    after.map(async (item, i): Promise<InputItem> => {
      if (item.type === "function_call_output") {
        const output =
          typeof item.output === "string"
            ? await check(item.output, "tool", `input[${i}].output`)
            : await Promise.all(
                item.output.map(async (part, j) => ({
                  ...part,
                  text: await check(part.text, "tool", `input[${i}].output[${j}]`),
                })),
              );
        return { ...item, output };
      }
      if (item.type !== "message" || item.role !== "user") return item;
      if (typeof item.content === "string")
        return { ...item, content: await check(item.content, "user", `input[${i}].content`) };
      const original = before[i];
      const parts = await Promise.all(
        item.content.map(async (part, j) => {
          if (part.type === "input_file" || part.type === "input_image") return part;
          const wasFile =
            original?.type === "message" &&
            Array.isArray(original.content) &&
            (original.content[j]?.type === "input_file" || original.content[j]?.type === "input_image");
          return {
            ...part,
            text: await check(part.text, wasFile ? "document" : "user", `input[${i}].content[${j}]`),
          };
        }),
      );
      return { ...item, content: parts };
    }),
  );
}
