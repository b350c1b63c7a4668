/**
 * @module Runs the built-in tools a model calls: by name, with each tool's limits (its own defaults, then
 * the operator's), cancelled with the caller's signal, and never failing. A tool already turns bad
 * arguments, errors and its own timeouts into error results; the runner adds a last guard for a tool that
 * does not stop at its limit, so one stuck tool can never hold a conversation.
 */
import { type BuiltinTool, errorResult, type ToolLimits, type ToolResult } from "../tools/index.js";

/** Past its time limit a tool gets this long to report before the runner answers for it. */
export const GUARD_GRACE_MS = 2_000;

/** One call of a tool, as the model wrote it. */
export interface ToolCallRequest {
  /** The call's id (`call_…`), tying its result to it. */
  id: string;
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
}

/** How a run ended, for metrics and logs. */
export type ToolOutcome = "ok" | "error" | "timeout" | "cancelled";

/** A finished run: the call, what the model reads, and how it went. */
export interface ToolRun {
  call: ToolCallRequest;
  result: ToolResult;
  outcome: ToolOutcome;
  durationMs: number;
}

/**
 * A tool as the chat template describes it to the model (OpenAI's function tool shape); a type rather than
 * an interface so that it passes where loose tool objects are expected.
 */
export type ToolDefinition = {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
};

/**
 * The enabled built-in tools and their limits.
 * @example
 * const runner = new ToolRunner(builtinTools(["code"]), { code: { timeMs: 5_000 } });
 * await runner.warmUp();
 * const run = await runner.run({ id: "call_1", name: "code", arguments: '{"language":"python","code":"6*7"}' }, signal);
 * run.result.text; // "value:\n42"
 * await runner.close();
 */
export class ToolRunner {
  private readonly tools: ReadonlyMap<string, BuiltinTool>;

  constructor(
    tools: readonly BuiltinTool[],
    private readonly overrides: Readonly<Record<string, Partial<ToolLimits>>> = {},
  ) {
    this.tools = new Map(tools.map((tool) => [tool.name, tool]));
  }

  /** The tools' names, in the order given. */
  get names(): string[] {
    return [...this.tools.keys()];
  }

  has(name: string): boolean {
    return this.tools.has(name);
  }

  /**
   * A runner over some of these tools (same instances and limits); closing stays with this one.
   * @example
   * runner.only(["code"]).names; // ["code"]
   */
  only(names: readonly string[]): ToolRunner {
    const picked = names.map((name) => this.tools.get(name)).filter((tool) => tool !== undefined);
    return new ToolRunner(picked, this.overrides);
  }

  /** The limits a run of `name` gets: the tool's defaults, then the operator's settings. */
  limits(name: string): ToolLimits {
    const tool = this.tools.get(name);
    if (!tool) throw new Error(`no built-in tool named ${JSON.stringify(name)}`);
    return { ...tool.defaultLimits, ...this.overrides[name] };
  }

  /** The tools as the model sees them. */
  definitions(): ToolDefinition[] {
    return [...this.tools.values()].map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }

  /** Runs one call; the result is an error result when the arguments are not JSON, the tool fails, or time runs out. */
  async run(call: ToolCallRequest, signal: AbortSignal): Promise<ToolRun> {
    const started = performance.now();
    const finish = (result: ToolResult, outcome: ToolOutcome): ToolRun => ({
      call,
      result,
      outcome,
      durationMs: Math.round(performance.now() - started),
    });
    const tool = this.tools.get(call.name);
    if (!tool) return finish(errorResult(`there is no built-in tool named ${call.name}`), "error");
    let args: unknown;
    try {
      args = JSON.parse(call.arguments);
    } catch {
      return finish(errorResult(`the arguments of ${call.name} are not valid JSON`), "error");
    }
    const limits = this.limits(call.name);
    const overdue = new AbortController();
    let guard: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      guard = setTimeout(() => resolve("late"), limits.timeMs + GUARD_GRACE_MS);
    });
    try {
      const result = await Promise.race([
        tool
          .run(args, { signal: AbortSignal.any([signal, overdue.signal]), limits })
          .catch((error: unknown) => errorResult(String(error))),
        late,
      ]);
      if (result === "late") {
        overdue.abort(new Error("time limit"));
        return finish(
          errorResult(`${call.name} did not finish within its ${limits.timeMs} ms limit`),
          "timeout",
        );
      }
      return finish(result, outcomeOf(result, signal, performance.now() - started >= limits.timeMs));
    } finally {
      clearTimeout(guard);
    }
  }

  /** Starts every tool that can start ahead of its first call, within that tool's limits. */
  async warmUp(): Promise<void> {
    await Promise.all([...this.tools.values()].map((tool) => tool.warmUp?.(this.limits(tool.name))));
  }

  /** Closes every tool. */
  async close(): Promise<void> {
    await Promise.all([...this.tools.values()].map((tool) => tool.close()));
  }
}

// a tool reports its own timeout as an error result; past its time limit, that is what the error was
function outcomeOf(result: ToolResult, signal: AbortSignal, pastLimit: boolean): ToolOutcome {
  if (signal.aborted) return "cancelled";
  if (!result.isError) return "ok";
  return pastLimit ? "timeout" : "error";
}
