/**
 * @module The one interface every built-in tool has: a name, a description and JSON-schema parameters the
 * model sees, and `run(args, { signal, limits })` returning a result the model reads. A tool never throws at
 * its caller: bad arguments, failures and timeouts come back as `isError` results, so a conversation goes on.
 */
import { z } from "zod";

/** What one run may use; each tool says how it reads them. */
export interface ToolLimits {
  /** Wall-clock milliseconds from the start of the run to its result. */
  timeMs: number;
  /** Bytes the run's work may hold: the interpreter's heap for code, the downloaded body for fetch. */
  memoryBytes: number;
  /** Bytes of text handed back to the model; more is cut, with a note saying how much there was. */
  outputBytes: number;
}

/** Limits for a caller with no opinion: 10 s, 256 MiB, 32 KiB of text. */
export const DEFAULT_LIMITS: Readonly<ToolLimits> = {
  timeMs: 10_000,
  memoryBytes: 256 * 2 ** 20,
  outputBytes: 32 * 1024,
};

/** Passed to every run: cancel with `signal`, bound the work with `limits`. */
export interface ToolContext {
  signal: AbortSignal;
  limits: ToolLimits;
}

/** A run's outcome: `text` is what the model reads; `data` holds the same in fields, for logs and clients. */
export interface ToolResult<D = unknown> {
  text: string;
  isError: boolean;
  data?: D;
}

/** A JSON schema object, as tools are described to a model (OpenAI's `function.parameters`). */
export type JsonSchema = Record<string, unknown>;

/** A tool Rio runs itself. */
export interface BuiltinTool<D = unknown> {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchema;
  /** The limits this tool suits when the operator sets none. */
  readonly defaultLimits: Readonly<ToolLimits>;
  run(args: unknown, ctx: ToolContext): Promise<ToolResult<D>>;
  /** Starts what the first run would otherwise wait for (the code tool's interpreters); absent when nothing is. */
  warmUp?(limits?: ToolLimits): Promise<void>;
  /** Releases what the tool keeps between runs (warm sandboxes); a closed tool may not run again. */
  close(): Promise<void>;
}

/** What a tool module writes; `defineTool` adds validation, the schema and the never-throw rule. */
export interface ToolSpec<S extends z.ZodType, D> {
  name: string;
  description: string;
  args: S;
  /** DEFAULT_LIMITS when not given. */
  defaultLimits?: Readonly<ToolLimits>;
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult<D>>;
  close?(): Promise<void>;
}

/**
 * Builds a BuiltinTool from a zod schema: `parameters` is the schema as JSON schema, arguments are checked
 * before `run` (an error result names each bad field), and anything `run` throws becomes an error result.
 * @example
 * const echo = defineTool({
 *   name: "echo",
 *   description: "Repeats the text",
 *   args: z.object({ text: z.string() }).strict(),
 *   run: async ({ text }) => ({ text, isError: false }),
 * });
 * await echo.run({ text: 1 }, ctx); // { isError: true, text: "invalid arguments for echo: text: expected string, received number" }
 */
export function defineTool<S extends z.ZodType, D>(spec: ToolSpec<S, D>): BuiltinTool<D> {
  const { $schema: _, ...parameters } = z.toJSONSchema(spec.args) as JsonSchema;
  return {
    name: spec.name,
    description: spec.description,
    parameters,
    defaultLimits: spec.defaultLimits ?? DEFAULT_LIMITS,
    async run(args, ctx) {
      const parsed = spec.args.safeParse(args);
      if (!parsed.success)
        return errorResult(`invalid arguments for ${spec.name}: ${describeIssues(parsed.error)}`);
      if (ctx.signal.aborted) return errorResult(`${spec.name} was cancelled before it started`);
      try {
        return await spec.run(parsed.data, ctx);
      } catch (err) {
        return errorResult(`${spec.name} failed: ${(err as Error).message}`);
      }
    },
    close: async () => spec.close?.(),
  };
}

/**
 * An error result with the given text (and structured data, if any).
 * @example
 * errorResult("the fetch timed out after 300 ms"); // { text: "the fetch timed out after 300 ms", isError: true }
 */
export function errorResult<D>(text: string, data?: D): ToolResult<D> {
  return data === undefined ? { text, isError: true } : { text, isError: true, data };
}

// zod's messages start "Invalid input: "; the field path in front says more than that prefix
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join(".");
      const message = issue.message.replace(/^Invalid (input|option): /, "");
      return field ? `${field}: ${message}` : message;
    })
    .join("; ");
}
