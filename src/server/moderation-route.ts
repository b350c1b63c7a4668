/**
 * @module POST /v1/moderations in OpenAI's shape: `results[]` with `flagged`, `categories` and
 * `category_scores`, one per input text, from every detector of the guardrails (and the policy's judge
 * categories, judged by the served model when the policy has a judge); Rio adds the judge's rationale in `rio`.
 */
import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { Guardrails } from "../guardrails/index.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import { parseBody } from "./schemas/validate.js";

/** Most texts of one request, and characters of each. */
const MAX_INPUTS = 32;
const MAX_CHARS = 32_000;

const textSchema = z.string().max(MAX_CHARS);
const moderationSchema = z.looseObject({
  input: z.union([
    textSchema,
    z
      .array(z.union([textSchema, z.looseObject({ type: z.literal("text"), text: textSchema })]))
      .min(1)
      .max(MAX_INPUTS),
  ]),
  model: z.string().optional(),
});

/**
 * The route handler.
 * @example
 * app.post("/v1/moderations", moderations(server));
 */
export function moderations(server: ServerContext) {
  // without a policy file: the detectors alone
  const guard = server.guardrails ?? new Guardrails({ rails: [], policies: {} });
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<unknown> => {
    const body = parseBody(moderationSchema, request.body);
    const texts =
      typeof body.input === "string"
        ? [body.input]
        : body.input.map((i) => (typeof i === "string" ? i : i.text));
    if (texts.some((text) => text.length === 0))
      throw new ApiError(400, "input: empty text", "invalid_request_error", "input");
    const results = await Promise.all(
      texts.map(async (text) => {
        const m = await guard.moderate(text);
        return {
          flagged: m.flagged,
          categories: m.categories,
          category_scores: m.scores,
          ...(m.rationale !== undefined ? { rio: { rationale: m.rationale } } : {}),
        };
      }),
    );
    return { id: `modr-${randomBytes(12).toString("hex")}`, model: body.model ?? server.modelName, results };
  };
}
