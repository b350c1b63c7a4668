/**
 * @module POST /v1/completions: raw prompts (text or token ids), no chat template, no output parsing. Input
 * guardrails check the prompts; a key under output rails is sent to chat completions.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RailSet } from "../guardrails/index.js";
import type { EndpointFormat } from "./choice-format.js";
import { CompletionFormat } from "./completion-format.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import { type PreparedPrompt, serveGeneration } from "./generation-endpoint.js";
import { generationOptions } from "./generation-options.js";
import { endpointRails, railInput } from "./guard.js";
import { type CompletionRequest, completionRequestSchema } from "./schemas/completion.js";
import { parseBody } from "./schemas/validate.js";

const COMPLETION: EndpointFormat = {
  object: "text_completion",
  chunkObject: "text_completion",
  idPrefix: "cmpl",
};

/**
 * The route handler.
 * @example
 * app.post("/v1/completions", completions(server));
 */
export function completions(server: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const body = parseBody(completionRequestSchema, request.body);
    const options = generationOptions(body, body.max_tokens, "max_tokens", server.defaults);
    const logprobs = body.logprobs ?? undefined;
    const rails = endpointRails(server, request, body.rio?.guardrails, "/v1/completions", "input-only");
    // under input rails every prompt is checked as text (token ids decoded first), then encoded
    const prompt = rails ? await railPrompts(server, request, rails, body.prompt) : body.prompt;
    return serveGeneration(server, reply, {
      format: COMPLETION,
      common: body,
      options,
      prompts: promptTokens(server, prompt),
      promptField: "prompt",
      logprobs,
      choiceFormat: () =>
        new CompletionFormat(server.model.tokenizer, {
          logprobs: logprobs !== undefined,
          modes: body.rio?.modes === true,
        }),
    });
  };
}

async function railPrompts(
  server: ServerContext,
  request: FastifyRequest,
  rails: RailSet,
  prompt: CompletionRequest["prompt"],
): Promise<string[]> {
  const list = typeof prompt === "string" || typeof prompt[0] === "number" ? [prompt] : prompt;
  return Promise.all(
    (list as (string | number[])[]).map((p, i) =>
      railInput(
        server,
        request,
        rails,
        typeof p === "string" ? p : server.model.tokenizer.decode(p),
        "user",
        `prompt[${i}]`,
      ),
    ),
  );
}

/** Every prompt as tokens: text is encoded as plain text (special-token strings stay text). */
function promptTokens(server: ServerContext, prompt: CompletionRequest["prompt"]): PreparedPrompt[] {
  const list: (string | number[])[] =
    typeof prompt === "string"
      ? [prompt]
      : typeof prompt[0] === "number"
        ? [prompt as number[]]
        : (prompt as string[] | number[][]);
  const vocab = server.model.tokenizer.vocabSize;
  return list.map((p, i) => {
    const tokens = typeof p === "string" ? server.model.tokenizer.encode(p) : p;
    if (tokens.length === 0)
      throw new ApiError(
        400,
        `prompt: prompt ${i} is empty`,
        "invalid_request_error",
        "prompt",
        "invalid_value",
      );
    const bad = tokens.find((id) => id >= vocab);
    if (bad !== undefined)
      throw new ApiError(
        400,
        `prompt: token id ${bad} is outside the vocabulary of ${vocab}`,
        "invalid_request_error",
        "prompt",
        "invalid_value",
      );
    return { tokens, opensReasoning: false };
  });
}
