/** @module Parses a request body with a zod schema; the first problem becomes a 400 naming the field. */
import type { z } from "zod";
import { ApiError } from "../errors.js";

/**
 * The parsed body, or an ApiError(400) whose `param` is the dotted path of the first bad field.
 * @example
 * parseBody(chatRequestSchema, { messages: "hi" }); // throws ApiError: "messages: expected array, received string"
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new ApiError(
      400,
      "the request body must be a JSON object",
      "invalid_request_error",
      null,
      "invalid_body",
    );
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue.path.map(String).join(".") || null;
  throw new ApiError(
    400,
    `${param ?? "body"}: ${issue.message}`,
    "invalid_request_error",
    param,
    "invalid_value",
  );
}
