/**
 * @module From a Responses request to one generation job, through the pieces chat completions uses: the
 * stored conversation and the new input items become template messages, tools and `tool_choice` become
 * chat's (rendered, forced and parsed the same way), and the sampling fields go through the same
 * generation options, with `max_output_tokens` as the limit and `reasoning` mapped to Rio's methods.
 * With built-in tools the job runs through the agent loop (agent-choice.ts), as in chat completions.
 */
import type { FastifyBaseLogger } from "fastify";
import type { MediaItem } from "../../decoding/index.js";
import type { Finding, RailSet } from "../../guardrails/index.js";
import type { ChatMessage } from "../../tokenizer/index.js";
import { agentRunner } from "../agent-choice.js";
import { type AnswerShape, answerGrammar, toolCallGrammar } from "../answer-grammar.js";
import { requestedBuiltins } from "../builtin-request.js";
import { activeTools, renderPrompt, toolCallOpening } from "../chat-messages.js";
import type { ServerContext } from "../context.js";
import { choiceRequest, generationOptions, singleToolCall } from "../generation-options.js";
import { outputRails } from "../guard.js";
import { railedRunner } from "../railed-format.js";
import { type ChoiceJob, type ChoiceRunner, runChoice } from "../run-choice.js";
import type { CommonRequest } from "../schemas/common.js";
import { templateMessagesFromItems } from "./conversation.js";
import { ResponseFormat } from "./format.js";
import type { OutputEvent } from "./output.js";
import type { InputItem, ResponsesRequest } from "./schema.js";
import { chatToolChoice, requestTools } from "./tools.js";

/** The request's rails: output rails for the format, the audit of their findings, input rails for built-in tools' results. */
export interface TurnRails {
  rails: RailSet;
  report(findings: Finding[]): void;
  railToolResults(messages: ChatMessage[]): Promise<ChatMessage[]>;
}

/** The stored turns a response continues (previous_response_id) and the images of them and of its input, in order. */
export interface TurnConversation {
  history: InputItem[];
  media: MediaItem[];
}

/** One response's job and how it runs (one generation, or the agent loop with built-in tools). */
export interface ResponseTurn {
  job: ChoiceJob<ResponseFormat>;
  run: ChoiceRunner<ResponseFormat, OutputEvent[]>;
}

/**
 * The job for one response: its GenerateRequest (prompt included) and its ResponseFormat, and its runner.
 * @example
 * const { job, run } = responseTurn(server, parseBody(responsesRequestSchema, { input: "hi", max_output_tokens: 16 }), log);
 * await run(runContext(server), job, (events) => {});
 */
export function responseTurn(
  server: ServerContext,
  request: ResponsesRequest,
  log: FastifyBaseLogger,
  guard?: TurnRails,
  conversation: TurnConversation = { history: [], media: [] },
): ResponseTurn {
  const requested = requestTools(request.tools);
  const toolChoice = chatToolChoice(request.tool_choice, requested.builtins);
  const builtins = requestedBuiltins(
    server,
    requested.builtins,
    requested.functions.map((tool) => tool.function.name),
  );
  const allTools = [...requested.functions, ...(builtins?.definitions() ?? [])];
  const tools = activeTools({ tools: allTools, tool_choice: toolChoice }, "tool_choice.name");
  // tool_choice "none" leaves no tool in play, the built-in ones included
  const agent = tools && builtins;
  const { history, media } = conversation;
  const messages = templateMessagesFromItems([...history, ...request.input], request.instructions);
  // effort "none" is the one level a Qwen3 template can express: thinking off
  const enableThinking = request.reasoning?.effort === "none" ? false : undefined;
  const prompt = { ...renderPrompt(server, { messages, tools, enableThinking, media }, "input"), media };
  const answer: AnswerShape = {
    format: request.text?.format?.type,
    formatField: "text.format",
    jsonSchema: {
      schema: request.text?.format?.schema,
      strict: request.text?.format?.strict === true,
      field: "text.format.schema",
    },
    toolChoice,
    tools,
    toolFormat: server.toolFormat,
  };
  const options = {
    ...generationOptions(
      samplingFields(request, server.defaults.reasoning),
      request.max_output_tokens,
      "max_output_tokens",
      server.defaults,
    ),
    answerPrefix: toolCallOpening(toolChoice, server.model.tokenizer, server.toolFormat),
    grammar: answerGrammar(answer),
    toolCallGrammar: toolCallGrammar(answer),
    singleToolCall: singleToolCall(request.parallel_tool_calls, tools),
  };
  const job: ChoiceJob<ResponseFormat> = {
    index: 0,
    request: {
      ...choiceRequest(
        options,
        prompt.tokens,
        0,
        { historyEnd: prompt.historyEnd, media },
        server.defaults,
        "input",
      ),
      prompt: prompt.tokens,
    },
    format: new ResponseFormat(
      {
        startsInReasoning: prompt.opensReasoning,
        // an agent parses every tool, offered or not, so that a built-in call never becomes a function call
        tools: agent ? allTools : tools,
        builtinNames: agent?.names,
        toolFormat: server.toolFormat,
      },
      guard && outputRails(guard.rails) ? guard.rails : undefined,
    ),
  };
  const railed = (run: ChoiceRunner<ResponseFormat, OutputEvent[]>) =>
    job.format.rails && guard ? railedRunner(run, guard.report) : run;
  if (!agent) return { job, run: railed(runChoice) };
  const run = agentRunner<OutputEvent[]>(server, {
    messages,
    enableThinking,
    functionTools: requested.functions,
    builtins: agent,
    options,
    laterGrammar: answerGrammar({ ...answer, toolChoice: "auto" }),
    promptField: "input",
    log,
    railToolResults: guard?.railToolResults,
  });
  return { job, run: railed(run) };
}

/**
 * The request's sampling fields as chat completions names them. Rio's `reasoning.method` and SwiReasoning
 * knobs pass on; knobs without a method apply to the server's default method.
 */
function samplingFields(request: ResponsesRequest, defaultMethod: "swir" | "cot"): CommonRequest {
  // summaries are not made; effort is a thinking budget (EFFORT_BUDGETS), and "none" turns thinking off
  const {
    effort,
    summary: _s,
    generate_summary: _g,
    context: _c,
    mode: _m,
    method,
    ...knobs
  } = request.reasoning ?? {};
  const tuned = method !== undefined || Object.keys(knobs).length > 0;
  return {
    temperature: request.temperature,
    top_p: request.top_p,
    top_k: request.top_k,
    min_p: request.min_p,
    presence_penalty: request.presence_penalty,
    frequency_penalty: request.frequency_penalty,
    repetition_penalty: request.repetition_penalty,
    seed: request.seed,
    logit_bias: request.logit_bias,
    stop: request.stop,
    reasoning: tuned ? { method: method ?? defaultMethod, ...knobs } : undefined,
    reasoning_effort: effort,
  };
}
