/**
 * @module The `code` tool: runs a Python (Pyodide: CPython 3.14 and its standard library, no packages) or
 * JavaScript (QuickJS) program in a sandbox with no network and no files beyond an empty in-memory folder,
 * within the call's limits (`timeMs` wall clock, `memoryBytes` interpreter heap, `outputBytes` per stream).
 * The model reads what the program printed, the value of its last expression, or its error.
 */
import { z } from "zod";
import { limitText, truncationNote } from "../text-limit.js";
import { type BuiltinTool, DEFAULT_LIMITS, defineTool, type ToolLimits, type ToolResult } from "../tool.js";
import { JavaScriptSandbox } from "./javascript-sandbox.js";
import { PythonSandbox } from "./python-sandbox.js";
import type { SandboxOutcome } from "./run-collector.js";

export type { SandboxOutcome } from "./run-collector.js";

const LANGUAGES = ["python", "javascript"] as const;
export type CodeLanguage = (typeof LANGUAGES)[number];

/** The structured side of a code result. */
export interface CodeRunData extends SandboxOutcome {
  language: CodeLanguage;
  /** Wall time of the call, including any wait for a sandbox to start. */
  durationMs: number;
}

/** A code tool can start its sandboxes ahead of the first call. */
export interface CodeTool extends BuiltinTool<CodeRunData> {
  /** Starts both sandboxes now (Pyodide's first load takes seconds) so the first call does not wait. */
  warmUp(limits?: ToolLimits): Promise<void>;
}

const args = z
  .object({
    language: z
      .enum(LANGUAGES)
      .describe("python (3.14, standard library only) or javascript (ES2023, no Node APIs)"),
    code: z.string().min(1).describe("The program; the value of its last expression is returned"),
  })
  .strict();

/**
 * The code tool, with its own sandboxes; `close()` ends them.
 * @example
 * const code = codeTool();
 * const result = await code.run({ language: "python", code: "sum(range(10))" }, { signal, limits: DEFAULT_LIMITS });
 * result.text; // "value:\n45"
 * await code.close();
 */
export function codeTool(): CodeTool {
  const python = new PythonSandbox();
  const javascript = new JavaScriptSandbox();
  const tool = defineTool({
    name: "code",
    description:
      "Run a short Python or JavaScript program in a sandbox (no network, no files, no packages beyond the " +
      "standard library) and get what it printed and the value of its last expression. Use it for exact " +
      "arithmetic, data manipulation and checking reasoning.",
    args,
    async run({ language, code }, { signal, limits }): Promise<ToolResult<CodeRunData>> {
      const started = performance.now();
      const sandbox = language === "python" ? python : javascript;
      const request = { type: "run" as const, code, ...pick(limits) };
      const outcome = await sandbox.run(request, signal);
      const data = { language, durationMs: Math.round(performance.now() - started), ...outcome };
      return { text: describeRun(outcome, limits), isError: outcome.error !== undefined, data };
    },
    close: async () => {
      await Promise.all([python.close(), javascript.close()]);
    },
  });
  return {
    ...tool,
    warmUp: async (limits = DEFAULT_LIMITS) => {
      await Promise.all([python.warmUp(), javascript.warmUp(limits.memoryBytes)]);
    },
  };
}

function pick({ timeMs, memoryBytes, outputBytes }: ToolLimits) {
  return { timeMs, memoryBytes, outputBytes };
}

/** The text the model reads: each non-empty part under its own heading, cut notes where output was cut. */
function describeRun(outcome: SandboxOutcome, limits: ToolLimits): string {
  const parts: string[] = [];
  const stream = (name: string, text: string, bytes: number) => {
    if (bytes === 0) return;
    const shown = Buffer.byteLength(text);
    parts.push(`${name}:\n${text}${shown < bytes ? `\n${truncationNote(bytes, shown)}` : ""}`);
  };
  stream("stdout", outcome.stdout, outcome.stdoutBytes);
  stream("stderr", outcome.stderr, outcome.stderrBytes);
  if (outcome.value !== undefined) parts.push(`value:\n${limitText(outcome.value, limits.outputBytes).text}`);
  if (outcome.error !== undefined) parts.push(`error:\n${limitText(outcome.error, limits.outputBytes).text}`);
  return parts.length > 0 ? parts.join("\n") : "(no output)";
}
