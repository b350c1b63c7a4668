/**
 * @module POST /v1/chat/completions: messages through the chat template, answers split into reasoning,
 * content and tool calls. Built-in tools are asked for by name in `rio.builtin_tools`; they join the
 * request's function tools in the prompt (and `tool_choice` may name one), and the choice is then
 * answered through the agent loop. Guardrails: input rails check the messages (user text, files read as text,
 * tool results) before the template; output rails wrap the choice's format and runner.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { agentRunner } from "./agent-choice.js";
import { type AnswerShape, answerGrammar, toolCallGrammar } from "./answer-grammar.js";
import { transcribeAudioParts } from "./audio-input.js";
import { requestedBuiltins } from "./builtin-request.js";
import { ChatFormat } from "./chat-format.js";
import { activeTools, renderPrompt, templateMessages, toolCallOpening } from "./chat-messages.js";
import type { ChoiceFields, EndpointFormat } from "./choice-format.js";
import type { ServerContext } from "./context.js";
import { chatDocuments } from "./document-input.js";
import { ApiError } from "./errors.js";
import { type PreparedPrompt, serveGeneration } from "./generation-endpoint.js";
import { generationOptions, singleToolCall } from "./generation-options.js";
import { audit, outputRails, railMessages, requestRails, toolResultRail } from "./guard.js";
import { requestMedia } from "./media-input.js";
import { RailedChatFormat, railedRunner } from "./railed-format.js";
import { runChoice } from "./run-choice.js";
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
    const functionTools = body.tools ?? [];
    const builtins = requestedBuiltins(
      server,
      (body.rio?.builtin_tools ?? []).map((name, i) => ({ name, field: `rio.builtin_tools.${i}` })),
      functionTools.map((tool) => tool.function.name),
    );
    const allTools = builtins ? [...functionTools, ...builtins.definitions()] : body.tools;
    const tools = activeTools({ tools: allTools, tool_choice: body.tool_choice });
    // tool_choice "none" leaves no tool in play, the built-in ones included
    const agent = tools && builtins;
    const maxTokens = body.max_completion_tokens ?? body.max_tokens;
    const answer: AnswerShape = {
      format: body.response_format?.type,
      formatField: "response_format",
      jsonSchema: {
        schema: body.response_format?.json_schema?.schema,
        strict: body.response_format?.json_schema?.strict === true,
        field: "response_format.json_schema.schema",
      },
      toolChoice: body.tool_choice,
      tools,
      toolFormat: server.toolFormat,
    };
    const options = {
      ...generationOptions(
        body,
        maxTokens,
        body.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens",
        server.defaults,
      ),
      answerPrefix: toolCallOpening(body.tool_choice, server.model.tokenizer, server.toolFormat),
      grammar: answerGrammar(answer),
      toolCallGrammar: toolCallGrammar(answer),
      singleToolCall: singleToolCall(body.parallel_tool_calls, tools),
    };
    const rails = requestRails(server, request, body.rio?.guardrails, "rio.guardrails");
    const railsOut = rails && outputRails(rails);
    // token alternatives would show the text the output rails hold back or redact
    if (railsOut && body.logprobs)
      throw new ApiError(
        400,
        "logprobs: not available under output guardrails",
        "invalid_request_error",
        "logprobs",
      );
    // audio parts (their transcripts), files and images a model without vision reads by OCR become text first
    const transcribed = await transcribeAudioParts(server.audio, body.messages, "messages");
    const documents = await chatDocuments(server, transcribed, "messages");
    const requestMessages = rails
      ? await railMessages(server, request, rails, transcribed, documents, "messages")
      : documents;
    const messages = templateMessages(requestMessages);
    const enableThinking =
      body.reasoning_effort === "none" ? false : body.chat_template_kwargs?.enable_thinking;
    // media first: a video part is rendered with its temporal groups' timestamps
    const media = await requestMedia(server.vision, requestMessages, "messages");
    const prompt = { ...renderPrompt(server, { messages, tools, enableThinking, media }, "messages"), media };
    const logprobs = body.logprobs ? (body.top_logprobs ?? 0) : undefined;
    const chatFormat = (p: PreparedPrompt) =>
      new ChatFormat({
        tokenizer: server.model.tokenizer,
        startsInReasoning: p.opensReasoning,
        // an agent parses every tool, offered or not, so that a built-in call never reaches tool_calls
        tools: agent ? (allTools ?? undefined) : tools,
        builtinNames: agent?.names,
        toolFormat: server.toolFormat,
        logprobs: logprobs !== undefined,
        modes: body.rio?.modes === true,
      });
    const run =
      agent &&
      agentRunner<ChoiceFields>(server, {
        messages,
        enableThinking,
        functionTools,
        builtins: agent,
        options,
        laterGrammar: answerGrammar({ ...answer, toolChoice: "auto" }),
        promptField: "messages",
        log: request.log,
        railToolResults: rails && toolResultRail(server, request, rails),
      });
    const spec = {
      format: CHAT,
      common: body,
      options,
      prompts: [prompt],
      promptField: "messages",
      logprobs,
    };
    if (!rails || !railsOut)
      return serveGeneration<ChatFormat>(server, reply, { ...spec, choiceFormat: chatFormat, run });
    return serveGeneration<RailedChatFormat>(server, reply, {
      ...spec,
      choiceFormat: (p) => new RailedChatFormat(chatFormat(p), rails),
      run: railedRunner(run || runChoice, (findings) => audit(server, request, findings)),
    });
  };
}
