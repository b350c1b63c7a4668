/**
 * @module One choice answered through the agent loop, for chat completions and the Responses API alike.
 * The first generation is the job the route built (a call `tool_choice` forces included); each later one
 * renders the conversation with the calls and results so far, offers every tool with no call forced
 * (as OpenAI's Agents SDK resets tool_choice after a call, so a forced tool cannot loop), and goes
 * through the same format, which streams the tool runs between generations. Runs are counted and logged.
 */
import type { FastifyBaseLogger } from "fastify";
import { type AgentStep, runAgent, type ToolRunner } from "../agent/index.js";
import type { ChatMessage } from "../tokenizer/index.js";
import { renderPrompt } from "./chat-messages.js";
import { type AgentFormat, finishReason } from "./choice-format.js";
import type { ServerContext } from "./context.js";
import { choiceRequest, type GenerationOptions, promptRows, worstCaseRows } from "./generation-options.js";
import {
  type ChoiceJob,
  type ChoiceResult,
  type ChoiceRunner,
  type RunContext,
  runChoice,
} from "./run-choice.js";
import type { ChatRequest } from "./schemas/chat.js";

/** What the generations after the first are made from. */
export interface AgentPlan {
  /** The conversation as the request gave it (the first prompt's messages). */
  messages: ChatMessage[];
  enableThinking: boolean | undefined;
  /** The client's function tools, offered in every generation. */
  functionTools: NonNullable<ChatRequest["tools"]>;
  /** The built-in tools the request asked for. */
  builtins: ToolRunner;
  /** The first generation's options; the budget (`maxTokens`) spans all generations. */
  options: GenerationOptions;
  /** The answer grammar of later generations (tool_choice "auto": only a JSON output format sets one). */
  laterGrammar: string | undefined;
  /** The request field of the conversation, for errors. */
  promptField: string;
  log: FastifyBaseLogger;
  /** Input rails over the conversation before each later generation (built-in tools' results). */
  railToolResults?: (messages: ChatMessage[]) => Promise<ChatMessage[]>;
}

/**
 * The runner of a request's choices when it uses built-in tools.
 * @example
 * const run = agentRunner<ChoiceFields>(server, plan);
 * const result = await run(ctx, job, (fields, finishReason) => send(fields, finishReason));
 */
export function agentRunner<F>(server: ServerContext, plan: AgentPlan): ChoiceRunner<AgentFormat<F>, F> {
  return async (ctx, firstJob, emit) => {
    // one reservation for the whole answer: the first generation's worst case; later generations (longer
    // prompts: the calls and results so far) are capped to it, so they never need more cells
    const rows = worstCaseRows(firstJob.request, server.defaults.contextLength);
    const hold = await ctx.budget?.reserve(rows, firstJob.request.signal);
    try {
      return await answer(server, plan, ctx, { ...firstJob, reserved: rows }, emit);
    } finally {
      hold?.release();
    }
  };
}

async function answer<F>(
  server: ServerContext,
  plan: AgentPlan,
  ctx: RunContext,
  job: ChoiceJob<AgentFormat<F>> & { reserved: number },
  emit: (fields: F, finishReason: string | null) => void,
): Promise<ChoiceResult> {
  // a generation's last fields carry its finish reason, which is final only if no tool round follows
  let held: { fields: F; reason: string } | undefined;
  const flush = (reason: string | null) => {
    if (held) emit(held.fields, reason);
    held = undefined;
  };
  const send = (fields: F | undefined) => {
    flush(null);
    if (fields !== undefined) emit(fields, null);
  };
  const result = await runAgent(
    plan.messages,
    plan.builtins,
    {
      generate: async (conversation, step) => {
        const messages =
          step.index === 0 || !plan.railToolResults ? conversation : await plan.railToolResults(conversation);
        const stepJob = step.index === 0 ? job : laterJob(server, plan, job, messages, step);
        if (!stepJob) return undefined;
        flush(null);
        const stepCtx = step.index === 0 ? ctx : { ...ctx, arrivedAt: undefined };
        const run = await runChoice(stepCtx, stepJob, (fields, reason) => {
          if (reason === null) emit(fields, null);
          else held = { fields, reason };
        });
        return { ...job.format.turn(), summary: run.summary };
      },
      toolCall: (call) => send(job.format.toolCall(call)),
      toolResult: (run, step) => {
        ctx.metrics.observeToolRun(run.call.name, run.outcome, run.durationMs / 1000);
        plan.log.info(
          { tool: run.call.name, outcome: run.outcome, ms: run.durationMs, step },
          `built-in tool ${run.call.name}: ${run.outcome}`,
        );
        send(job.format.toolResult(run));
      },
    },
    { maxSteps: server.toolSteps, maxTokens: plan.options.maxTokens, signal: job.request.signal },
  );
  // cancelled during a tool run (disconnect, shutdown): fail as a cancelled generation does
  if (job.request.signal?.aborted) throw job.request.signal.reason;
  const clientCalls = result.turn.calls.some((call) => !plan.builtins.has(call.name));
  const reason = finishReason(result.summary.stopReason, clientCalls);
  flush(reason);
  return {
    index: job.index,
    finishReason: reason,
    summary: result.summary,
    laterPromptTokens: result.summary.promptTokens - promptRows(job.request),
  };
}

/**
 * The job of a later generation, or undefined when the conversation leaves no room in the answer's
 * reservation (`job.reserved` cells: the first generation's worst case).
 */
function laterJob<F>(
  server: ServerContext,
  plan: AgentPlan,
  job: ChoiceJob<AgentFormat<F>> & { reserved: number },
  messages: ChatMessage[],
  step: AgentStep,
): ChoiceJob<AgentFormat<F>> | undefined {
  const tools = step.offersTools
    ? [...plan.functionTools, ...plan.builtins.definitions()]
    : plan.functionTools;
  const media = job.request.media;
  // the media go along so that video parts are written with their groups' timestamps again
  const prompt = renderPrompt(
    server,
    { messages, tools: tools.length > 0 ? tools : undefined, enableThinking: plan.enableThinking, media },
    plan.promptField,
  );
  const room = job.reserved - promptRows({ prompt: prompt.tokens, media });
  if (room < 1) return undefined;
  job.format.nextGeneration(prompt.opensReasoning);
  const options: GenerationOptions = {
    ...plan.options,
    answerPrefix: undefined,
    grammar: plan.laterGrammar,
    maxTokens: Math.min(step.maxTokens ?? room, room),
  };
  const extra = {
    signal: job.request.signal,
    logprobs: job.request.logprobs,
    media,
    historyEnd: prompt.historyEnd,
  };
  const request = choiceRequest(options, prompt.tokens, job.index, extra, server.defaults, plan.promptField);
  return {
    index: job.index,
    request: { ...request, prompt: prompt.tokens },
    format: job.format,
    reserved: job.reserved,
  };
}
