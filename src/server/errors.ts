/**
 * @module Errors in OpenAI's shape `{ error: { message, type, param, code } }`, and the mapping from
 * whatever a request can throw (validation, engine, framework) to one of them with the right status.
 */
import { SamplingParamsError } from "../decoding/index.js";
import { EngineError, type EngineErrorCode } from "../engine/index.js";

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error a client should see: HTTP status, OpenAI error type, the offending field and a code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The response body. */
  body(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A request over the queue limit: 429 with Retry-After. */
export function queueFullError(message: string): ApiError {
  return new ApiError(429, message, "rate_limit_error", null, "queue_full", { "retry-after": "1" });
}

const ENGINE_STATUS: Record<EngineErrorCode, (e: EngineError) => ApiError> = {
  invalid: (e) => new ApiError(400, e.message),
  "context-full": (e) =>
    new ApiError(503, e.message, "server_error", null, "context_full", { "retry-after": "1" }),
  "no-free-sequence": (e) => queueFullError(e.message),
  "queue-full": (e) => queueFullError(e.message),
  "out-of-memory": (e) => new ApiError(503, e.message, "server_error", null, "out_of_memory"),
  closed: (e) => new ApiError(503, e.message, "server_error", null, "shutting_down"),
};

/** Fastify's own client errors (bad JSON, body too large, media type) keep their status. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message: string;
}

/**
 * Turns anything thrown while serving a request into an ApiError; unknown errors become a 500 whose
 * message does not leak internals beyond the error's own message.
 * @example
 * toApiError(new EngineError("queue full", "queue-full")).status; // 429
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof EngineError) return ENGINE_STATUS[error.code](error);
  if (error instanceof SamplingParamsError)
    return new ApiError(400, error.message, "invalid_request_error", error.field, "invalid_value");
  const framework = error as FrameworkError;
  if (
    typeof framework?.statusCode === "number" &&
    framework.statusCode >= 400 &&
    framework.statusCode < 500
  ) {
    if (framework.code?.startsWith("FST_ERR_CTP_INVALID_JSON") || error instanceof SyntaxError)
      return new ApiError(
        400,
        `invalid JSON body: ${framework.message}`,
        "invalid_request_error",
        null,
        "invalid_json",
      );
    const code =
      framework.code === "FST_ERR_CTP_BODY_TOO_LARGE" ? "body_too_large" : (framework.code ?? null);
    return new ApiError(framework.statusCode, framework.message, "invalid_request_error", null, code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, `internal error: ${message}`, "server_error", null, "internal_error");
}
