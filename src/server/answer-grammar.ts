/**
 * @module The grammar an answer must follow, for chat completions and the Responses API alike: a tool
 * call that `tool_choice` forces is held to the call's JSON syntax up to `</tool_call>` (so it always
 * parses, whatever the model), and `json_object` output to JSON. A JSON schema is refused rather than
 * ignored: free text where the client asked for a shape would be a silent wrong answer.
 */
import { JSON_GRAMMAR, JSON_OBJECT_RULES } from "../decoding/index.js";
import { ApiError } from "./errors.js";
import type { ChatRequest } from "./schemas/chat.js";

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
}

/**
 * The GBNF grammar of the answer after its forced opening (toolCallOpening), or undefined when it is free.
 * Qwen3.5's XML calls are not constrained yet: their parameter values are free text.
 * @example
 * answerGrammar({ format: "json_object", formatField: "response_format", toolChoice: "auto", tools: undefined, toolFormat: "json" }); // JSON_GRAMMAR
 * answerGrammar({ format: "json_schema", formatField: "text.format", ... }); // throws ApiError 400, param "text.format"
 */
export function answerGrammar(shape: AnswerShape): string | undefined {
  const call = forcedCallGrammar(shape);
  if (shape.format === undefined || shape.format === "text") return call;
  if (shape.format === "json_object" && call === undefined) return JSON_GRAMMAR;
  throw new ApiError(
    400,
    shape.format === "json_object"
      ? `${shape.formatField}: "json_object" cannot hold when tool_choice forces a tool call`
      : `${shape.formatField}: "text" and "json_object" are supported, not ${JSON.stringify(shape.format)} (Rio does not turn JSON schemas into grammars yet)`,
    "invalid_request_error",
    shape.formatField,
  );
}

/**
 * The rest of a forced JSON call after its opening: for a named function the arguments object, for
 * "required" first the name (one of the tools', its opening quote already written), then the closing
 * brace and tag. Nothing may follow the call but the end of the answer.
 */
function forcedCallGrammar({ toolChoice, tools, toolFormat }: AnswerShape): string | undefined {
  if (toolFormat !== "json" || toolChoice == null || toolChoice === "auto" || toolChoice === "none")
    return undefined;
  const name =
    toolChoice === "required"
      ? `( ${(tools ?? []).map((t) => literal(`${JSON.stringify(t.function.name).slice(1)}, "arguments": `)).join(" | ")} ) `
      : "";
  return `\nroot ::= ${name}object "}" "\\n"? "</tool_call>"${JSON_OBJECT_RULES}`;
}

/** A GBNF string literal of `text`. */
function literal(text: string): string {
  return JSON.stringify(text);
}
