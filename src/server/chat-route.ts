/** @module POST /v1/chat/completions: messages through the chat template, answers split into reasoning, content and tool calls. */
import type { FastifyReply, FastifyRequest } from "fastify";
import { JSON_GRAMMAR, preparePrompt } from "../decoding/index.js";
import { ChatFormat } from "./chat-format.js";
import { activeTools, templateMessages, toolCallOpening } from "./chat-messages.js";
import type { EndpointFormat } from "./choice-format.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import { type PreparedPrompt, serveGeneration } from "./generation-endpoint.js";
import { generationOptions } from "./generation-options.js";
import { chatRequestSchema } from "./schemas/chat.js";
import { parseBody } from "./schemas/validate.js";

const CHAT: EndpointFormat = {
  object: "chat.completion",
  chunkObject: "chat.completion.chunk",
  idPrefix: "chatcmpl",
};

/**
 * The route handler.
 * @example
 * app.post("/v1/chat/completions", chatCompletions(server));
 */
export function chatCompletions(server: ServerContext) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const body = parseBody(chatRequestSchema, request.body);
    const tools = activeTools(body);
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const options = {
      ...generationOptions(
        body,
        maxTokens,
        body.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens",
        server.defaults,
      ),
      answerPrefix: toolCallOpening(body.tool_choice, server.model.tokenizer, server.toolFormat),
      grammar: answerGrammar(body.response_format?.type),
    };
    const prompt = renderPrompt(server, {
      messages: templateMessages(body.messages),
      tools,
      enableThinking: body.chat_template_kwargs?.enable_thinking,
    });
    const logprobs = body.logprobs ? (body.top_logprobs ?? 0) : undefined;
    return serveGeneration(server, reply, {
      format: CHAT,
      common: body,
      options,
      prompts: [prompt],
      promptField: "messages",
      logprobs,
      choiceFormat: (p) =>
        new ChatFormat({
          tokenizer: server.model.tokenizer,
          startsInReasoning: p.opensReasoning,
          tools,
          toolFormat: server.toolFormat,
          logprobs: logprobs !== undefined,
          modes: body.rio?.modes === true,
        }),
    });
  };
}

/**
 * The grammar of `response_format`: JSON for "json_object", none for "text". A JSON schema is refused
 * rather than ignored: free text where the client asked for a shape would be a silent wrong answer.
 */
function answerGrammar(type: string | undefined): string | undefined {
  if (type === undefined || type === "text") return undefined;
  if (type === "json_object") return JSON_GRAMMAR;
  throw new ApiError(
    400,
    `response_format: "text" and "json_object" are supported, not ${JSON.stringify(type)} (Rio does not turn JSON schemas into grammars yet)`,
    "invalid_request_error",
    "response_format",
  );
}

/** The chat template's tokens; a template that rejects the conversation is the client's error (400). */
function renderPrompt(server: ServerContext, request: Parameters<typeof preparePrompt>[1]): PreparedPrompt {
  try {
    return preparePrompt(server.model, request);
  } catch (error) {
    throw new ApiError(
      400,
      `messages: the chat template rejected them: ${error instanceof Error ? error.message : String(error)}`,
      "invalid_request_error",
      "messages",
    );
  }
}
