/**
 * @module The grammar an answer must follow, for chat completions and the Responses API alike: a tool
 * call that `tool_choice` forces is held to the call's JSON syntax up to `</tool_call>`, its arguments to
 * the function's parameter schema (so it always parses and validates, whatever the model); `json_object`
 * output to JSON and `json_schema` output to its schema. A schema the grammar cannot enforce is refused
 * (400) when strict, and followed as far as it can be otherwise (OpenAI's non-strict mode is best effort).
 */
import { JSON_GRAMMAR, SchemaError, SchemaGrammar } from "../decoding/index.js";
import { ApiError } from "./errors.js";
import type { ChatRequest } from "./schemas/chat.js";
import { xmlCallGrammar } from "./xml-call-grammar.js";

/** A `json_schema` format's schema and strictness, and the request field the schema sits in. */
export interface SchemaFormat {
  schema: Record<string, unknown> | undefined;
  strict: boolean;
  field: string;
}

/** What decides the answer's grammar. */
export interface AnswerShape {
  /** The output format's type (`response_format.type`, `text.format.type`); undefined for text. */
  format: string | undefined;
  /** The request field of the format, for errors. */
  formatField: string;
  /** `tool_choice` in chat's shape, already checked against the tools by activeTools. */
  toolChoice: ChatRequest["tool_choice"];
  /** The tools in play (activeTools). */
  tools: NonNullable<ChatRequest["tools"]> | undefined;
  /** The model's tool-call format. */
  toolFormat: "json" | "xml";
  /** The schema of a `json_schema` format. */
  jsonSchema?: SchemaFormat;
}

/**
 * The GBNF grammar of the answer after its forced opening (toolCallOpening), or undefined when it is free.
 * @example
 * answerGrammar({ format: "json_object", formatField: "response_format", toolChoice: "auto", tools: undefined, toolFormat: "json" }); // JSON_GRAMMAR
 * answerGrammar({ format: "json_schema", formatField: "text.format", ...,
 *   jsonSchema: { schema: { type: "object", pattern: "x" }, strict: true, field: "text.format.schema" } });
 * // throws ApiError 400, param "text.format.schema": 'at /pattern: keyword "pattern" is not supported ...'

 */
export function answerGrammar(shape: AnswerShape): string | undefined {
  const call = forcedCallGrammar(shape);
  if (shape.format === undefined || shape.format === "text") return call;
  if (shape.format === "json_object" && call === undefined) return JSON_GRAMMAR;
  if (shape.format === "json_schema" && call === undefined && shape.jsonSchema)
    return schemaGrammar(shape.jsonSchema);
  throw new ApiError(
    400,
    shape.format === "json_object" || shape.format === "json_schema"
      ? `${shape.formatField}: ${JSON.stringify(shape.format)} cannot hold when tool_choice forces a tool call`
      : `${shape.formatField}: "text", "json_object" and "json_schema" are supported, not ${JSON.stringify(shape.format)}`,
    "invalid_request_error",
    shape.formatField,
  );
}

/** The grammar of a `json_schema` answer; a schema it cannot follow is a 400 naming the keyword's path. */
function schemaGrammar({ schema, strict, field }: SchemaFormat): string {
  if (schema === undefined)
    throw new ApiError(400, `${field}: a json_schema format needs a schema`, "invalid_request_error", field);
  const grammar = new SchemaGrammar({ strict });
  try {
    grammar.add(schema, "root");
  } catch (error) {
    throw schemaError(error, field);
  }
  return `\n${grammar.rules()}\n`;
}

function schemaError(error: unknown, field: string, what = field): unknown {
  if (!(error instanceof SchemaError)) return error;
  return new ApiError(400, `${what}: ${error.message}`, "invalid_request_error", field);
}

/**
 * The rest of a forced call after its opening: for a named function the arguments, for "required" first
 * the name (one of the tools'), then the closing markup. In the JSON format (Qwen3) the arguments object
 * (the name's opening quote already written), in the XML format (Qwen3.5) the parameter blocks (see
 * xml-call-grammar.ts). Nothing may follow the call but the end of the answer. The arguments follow the
 * function's parameter schema: strictly (refused when unsupported) for a `strict` function, as far as
 * the grammar can otherwise (any arguments when even that fails).
 */
function forcedCallGrammar({ toolChoice, tools, toolFormat }: AnswerShape): string | undefined {
  if (toolChoice == null || toolChoice === "auto" || toolChoice === "none") return undefined;
  const grammar = new SchemaGrammar({ strict: false });
  const forced = typeof toolChoice === "object" ? toolChoice.function.name : undefined;
  const called = (tools ?? []).filter((t) => forced === undefined || t.function.name === forced);
  if (toolFormat === "xml") {
    const root = xmlCallGrammar(grammar, functionsOf(called), forced !== undefined, refuseStrict);
    return `\nroot ::= ${root}\n${grammar.rules()}\n`;
  }
  const calls = called.map(({ function: f }) => {
    const name =
      toolChoice === "required" ? `${literal(`${JSON.stringify(f.name).slice(1)}, "arguments": `)} ` : "";
    return `${name}${argumentsRule(grammar, f)}`;
  });
  return `\nroot ::= ( ${calls.join(" | ")} ) "}" "\\n"? "</tool_call>"\n${grammar.rules()}\n`;
}

/**
 * The grammar of every tool call the answer opens when `tool_choice` lets the model choose ("auto") and
 * some function is `strict`: from after `<tool_call>` through `</tool_call>`, any of the tools, each
 * call's arguments under its schema (strict functions strictly, the others as far as the grammar can).
 * Undefined when no function is strict, a call is forced, or the answer has a JSON format (which holds
 * the whole answer).
 * @example
 * toolCallGrammar({ format: undefined, toolChoice: "auto", tools: [{ type: "function", function: { name: "f", strict: true, parameters } }], toolFormat: "json", formatField: "response_format" });
 * // root ::= "\n"? "{" call-space "\"name\"" ... "</tool_call>"
 */
export function toolCallGrammar({ format, toolChoice, tools, toolFormat }: AnswerShape): string | undefined {
  if (toolChoice != null && toolChoice !== "auto") return undefined;
  if ((format !== undefined && format !== "text") || !tools?.some((t) => t.function.strict === true))
    return undefined;
  const grammar = new SchemaGrammar({ strict: false });
  if (toolFormat === "xml") {
    const calls = xmlCallGrammar(grammar, functionsOf(tools), false, refuseStrict);
    return `\nroot ::= "\\n"? "<function=" ${calls}\n${grammar.rules()}\n`;
  }
  // the opening as the model may write it: Qwen3's template writes {"name": "f", "arguments": {...}}
  const space = grammar.rule("call-space", '| " " | "\\n"');
  const calls = tools.map(({ function: f }) => {
    const name = `${literal(JSON.stringify(f.name))} ${space} "," ${space} ${literal('"arguments"')} ${space} ":" ${space}`;
    return `${name} ${argumentsRule(grammar, f)}`;
  });
  const open = `"\\n"? "{" ${space} ${literal('"name"')} ${space} ":" ${space}`;
  return `\nroot ::= ${open} ( ${calls.join(" | ")} ) ${space} "}" "\\n"? "</tool_call>"\n${grammar.rules()}\n`;
}

type Tool = NonNullable<AnswerShape["tools"]>[number];

function functionsOf(tools: Tool[]) {
  return tools.map((t) => t.function);
}

/** A strict function whose parameters the grammar cannot hold is the client's error (400 on `tools`). */
function refuseStrict(error: unknown, fn: { name: string; strict?: boolean | null }): void {
  if (fn.strict === true)
    throw schemaError(error, "tools", `function ${JSON.stringify(fn.name)}'s parameters`);
}

/** The rule of a JSON call's arguments object: the parameter schema, or any object when that fails (not strict). */
function argumentsRule(grammar: SchemaGrammar, f: Tool["function"]): string {
  const strict = f.strict === true;
  // a failed add leaves only rules that name defined ones: unused, harmless
  try {
    return grammar.add(f.parameters ?? { type: "object" }, `${f.name}-arguments`, strict);
  } catch (error) {
    refuseStrict(error, f);
    return grammar.add({ type: "object" }, `${f.name}-arguments`, false);
  }
}

/** A GBNF string literal of `text`. */
function literal(text: string): string {
  return JSON.stringify(text);
}
