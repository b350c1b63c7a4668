/**
 * @module Runs one answer for run and chat and prints it: the answer on stdout, the reasoning dimmed on
 * stderr (or hidden), and with built-in tools each call and its result dimmed on stderr as it happens;
 * or with --json one JSON object per decoding step and per tool call and result, then a summary line.
 * The answer goes through the agent loop, which with no tools is one generation.
 */
import { type AgentStep, type GeneratedTurn, runAgent, type ToolRun, ToolRunner } from "../agent/index.js";
import { type GenerateRequest, type GenerateSummary, generate, preparePrompt } from "../decoding/index.js";
import { type ChatDelta, ChatOutput, toolCallFormat } from "../server/index.js";
import type { ChatMessage } from "../tokenizer/index.js";
import type { Session } from "./session.js";

/** How to print. */
export interface PrintOptions {
  hideReasoning?: boolean;
  json?: boolean;
}

/** The built-in tools an answer may use, and how many rounds of them. */
export interface AnswerTools {
  runner: ToolRunner;
  maxSteps: number;
}

/** What the model said, split, the tool rounds before it, and the summary of all its generations. */
export interface Answer {
  content: string;
  reasoning: string;
  /** The tool rounds as messages (each assistant turn with its calls, then the results), for a chat's history. */
  toolMessages: ChatMessage[];
  summary: GenerateSummary;
}

const NO_TOOLS: AnswerTools = { runner: new ToolRunner([]), maxSteps: 0 };

const dim = (text: string) => (process.stderr.isTTY ? `\x1b[2m${text}\x1b[22m` : text);

/**
 * Generates and prints one answer (`request.maxTokens` bounds all its generations together).
 * @example
 * const answer = await streamAnswer(session, { messages, maxTokens: 512 }, {}, { runner, maxSteps: 4 });
 */
export async function streamAnswer(
  session: Session,
  request: GenerateRequest & { messages: ChatMessage[] },
  print: PrintOptions,
  tools: AnswerTools = NO_TOOLS,
): Promise<Answer> {
  const json = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  const result = await runAgent(
    request.messages,
    tools.runner,
    {
      generate: (messages, step) =>
        generateTurn(session, { ...request, messages }, step, tools.runner, print),
      toolCall: (call) =>
        print.json
          ? json({ tool_call: call })
          : process.stderr.write(dim(`\n[tool call] ${call.name} ${call.arguments}\n`)),
      toolResult: (run) =>
        print.json ? json({ tool_result: run }) : process.stderr.write(dim(describeRun(run))),
    },
    { maxSteps: tools.maxSteps, maxTokens: request.maxTokens, signal: request.signal },
  );
  const { summary } = result;
  if (print.json) json({ summary });
  else
    process.stderr.write(
      dim(
        `\n[${summary.tokens} tokens, ${summary.latentSteps} latent, ${summary.switches} switches, ` +
          `${summary.timings.decodeTokensPerSecond.toFixed(1)} tok/s, ` +
          (result.runs.length > 0 ? `${result.runs.length} tool runs, ` : "") +
          `stop: ${summary.stopReason}]\n`,
      ),
    );
  return {
    content: result.turn.content,
    reasoning: result.turn.reasoning,
    toolMessages: result.messages.slice(request.messages.length),
    summary,
  };
}

/** One generation of the conversation, printed as it streams; undefined when a later one has no room left. */
async function generateTurn(
  session: Session,
  request: GenerateRequest & { messages: ChatMessage[] },
  step: AgentStep,
  runner: ToolRunner,
  print: PrintOptions,
): Promise<GeneratedTurn | undefined> {
  const offered = step.offersTools ? runner.definitions() : [];
  const { tokens, opensReasoning, historyEnd } = preparePrompt(session.model, {
    ...request,
    tools: offered.length > 0 ? offered : undefined,
  });
  const room = session.scheduler.engine.capacity - tokens.length;
  if (step.index > 0 && room < 1) return undefined;
  const output = new ChatOutput({
    startsInReasoning: opensReasoning,
    // every tool parses, offered or not, so a call after the last round is not printed as the answer
    tools: runner.definitions(),
    builtinNames: runner.names,
    toolFormat: toolCallFormat(session.model.architecture),
  });
  const show = (delta: ChatDelta) => {
    if (print.json) return;
    if (delta.reasoning_content && !print.hideReasoning) process.stderr.write(dim(delta.reasoning_content));
    if (delta.content) process.stdout.write(delta.content);
  };
  const maxTokens = step.maxTokens ?? request.maxTokens;
  const steps = generate(session.model, session.scheduler, {
    ...request,
    messages: undefined,
    prompt: tokens,
    historyEnd,
    maxTokens: step.index > 0 && maxTokens !== undefined ? Math.min(maxTokens, room) : maxTokens,
  });
  let result = await steps.next();
  while (!result.done) {
    if (print.json) process.stdout.write(`${JSON.stringify(result.value)}\n`);
    show(output.push(result.value.text));
    result = await steps.next();
  }
  show(output.finish());
  return { ...output.turn(), summary: result.value };
}

/** A run as the terminal shows it: the tool, how it went, and the text the model reads. */
function describeRun(run: ToolRun): string {
  const text = run.result.text.endsWith("\n") ? run.result.text : `${run.result.text}\n`;
  return `[tool result] ${run.call.name}: ${run.outcome}, ${run.durationMs} ms\n${text}`;
}
