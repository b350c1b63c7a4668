/**
 * @module The agent loop the server and the CLI share: generate; when the model called built-in tools, run
 * them, add the call and its results to the conversation, and generate again, until the model answers
 * without them, calls a client's function (those go back to the client), or the step limit is reached.
 * The generation after the last allowed tool round is offered no built-in tools: it is the final answer.
 * How a generation runs and streams is the caller's; this module decides what runs next.
 */
import type { GenerateSummary } from "../decoding/index.js";
import type { ChatMessage } from "../tokenizer/index.js";
import { mergeSummaries } from "./summaries.js";
import type { ToolCallRequest, ToolRun, ToolRunner } from "./tool-runner.js";
import { assistantMessage, type TurnText, toolMessage } from "./turn-messages.js";

/** Where the loop stands when it asks for a generation. */
export interface AgentStep {
  /** 0 for the first generation. */
  index: number;
  /** Whether the built-in tools are offered; false for the final answer after the last tool round. */
  offersTools: boolean;
  /** Tokens this generation may write: what the budget has left (undefined without a budget). */
  maxTokens: number | undefined;
}

/** One generation's output and summary. */
export interface GeneratedTurn extends TurnText {
  summary: GenerateSummary;
}

/** What the caller supplies: the generations, and what to show while tools run. */
export interface AgentCallbacks {
  /**
   * Runs one generation of the conversation so far. After the first it may return undefined when the
   * conversation no longer leaves room to generate (a full context): the loop then ends.
   */
  generate(messages: ChatMessage[], step: AgentStep): Promise<GeneratedTurn | undefined>;
  /** A built-in call is about to run. */
  toolCall?(call: ToolCallRequest, step: number): void;
  /** A built-in call finished. */
  toolResult?(run: ToolRun, step: number): void;
}

/** Limits of one agent answer. */
export interface AgentOptions {
  /** Most tool rounds (generations whose built-in calls run). */
  maxSteps: number;
  /** Tokens all the generations together may write. */
  maxTokens?: number;
  /** Cancels the tool runs (and, through the caller, the generations). */
  signal?: AbortSignal;
}

/** The answer: the last turn, the runs before it, and the conversation that led to it. */
export interface AgentResult {
  turn: GeneratedTurn;
  /** Every built-in run, in order. */
  runs: ToolRun[];
  /** The given messages, then each tool round: the assistant message with its calls, and the results. */
  messages: ChatMessage[];
  /** All generations as one summary; stop reason "length" when the budget or context ended the rounds. */
  summary: GenerateSummary;
}

const NEVER = new AbortController().signal;

/**
 * Runs the loop.
 * @example
 * const result = await runAgent(messages, runner.only(["code"]), {
 *   generate: (conversation, step) => generateTurn(conversation, step.offersTools ? runner.definitions() : []),
 *   toolCall: (call) => console.error(`${call.name} ${call.arguments}`),
 * }, { maxSteps: 4 });
 * result.turn.content; // the final answer
 */
export async function runAgent(
  messages: readonly ChatMessage[],
  tools: ToolRunner,
  callbacks: AgentCallbacks,
  options: AgentOptions,
): Promise<AgentResult> {
  const signal = options.signal ?? NEVER;
  const conversation = [...messages];
  const runs: ToolRun[] = [];
  const stepAt = (index: number, used: number): AgentStep => ({
    index,
    offersTools: index < options.maxSteps,
    maxTokens: options.maxTokens === undefined ? undefined : options.maxTokens - used,
  });
  let step = stepAt(0, 0);
  const first = await callbacks.generate([...conversation], step);
  if (!first) throw new Error("runAgent: the first generation must run");
  let turn = first;
  let summary = first.summary;
  const done = (cut: boolean): AgentResult => ({
    turn,
    runs,
    messages: conversation,
    summary: cut ? { ...summary, stopReason: "length" } : summary,
  });
  for (;;) {
    // calls of tools the generation was not offered (after the last round) do not run
    const builtinCalls = step.offersTools ? turn.calls.filter((call) => tools.has(call.name)) : [];
    if (builtinCalls.length === 0) return done(false);
    const results: ChatMessage[] = [];
    for (const call of builtinCalls) {
      callbacks.toolCall?.(call, step.index);
      const run = await tools.run(call, signal);
      callbacks.toolResult?.(run, step.index);
      runs.push(run);
      results.push(toolMessage(run));
    }
    conversation.push(assistantMessage(turn), ...results);
    // a call of the client's own function ends the loop: the client runs it and continues
    if (signal.aborted || builtinCalls.length < turn.calls.length) return done(false);
    step = stepAt(step.index + 1, summary.tokens);
    const generated =
      step.maxTokens === undefined || step.maxTokens > 0
        ? await callbacks.generate([...conversation], step)
        : undefined;
    if (!generated) return done(true);
    turn = generated;
    summary = mergeSummaries(summary, turn.summary);
  }
}
