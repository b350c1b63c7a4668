/**
 * @module Qwen3.5 / Qwen3-Coder tool-call body:
 * `\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n…</function>\n`, read as it streams.
 *
 * Values are raw text: one newline after `<parameter=KEY>` and one before `</parameter>` belong to the markup
 * (as in vLLM's qwen3_coder parser and the Qwen3.5 template). Each value is typed by the tool's JSON schema:
 * `null` -> null; string types stay text; integer/number -> number; boolean -> true/false; anything else is
 * parsed as JSON. Values that do not fit their type, and parameters the schema does not list, stay strings.
 *
 * The arguments' JSON text is built as the parameters come: `{"KEY":` when one opens, a string value
 * character by character (escaped), any other value once its `</parameter>` arrives, `}` at the end.
 */
import { partialTagLength } from "./partial-tag.js";
import {
  type ParsedToolCall,
  type ToolCallBodyReader,
  ToolCallSyntaxError,
  type ToolDefinitions,
} from "./tool-call-types.js";

const FUNCTION = /^\s*<function=([^>\n]+)>/;
const PARAMETER = /^\s*<parameter=([^>\n]+)>/;
const PARAMETER_END = "</parameter>";
const FUNCTION_END = "</function>";
const STRING_TYPES = ["string", "str", "text", "varchar", "char", "enum"];

/** The parameter being read: its raw text so far, and how much of its string value went out. */
interface OpenParameter {
  schema: unknown;
  raw: string;
  /** Characters of the value sent as a JSON string, or -1 while none are (it may yet be `null`). */
  sent: number;
}

/**
 * Streams an XML tool call, typing values with the matching tool's `parameters` schema.
 * @example
 * const r = new XmlToolCallReader([]);
 * r.feed("\n<function=f>\n<parameter=q>\nhi th");
 * [r.name, r.argumentsJson]; // ["f", '{"q":"hi th']
 * r.feed("ere\n</parameter>\n</function>\n");
 * r.finish(); // { name: "f", arguments: { q: "hi there" }, argumentsJson: '{"q":"hi there"}' }
 */
export class XmlToolCallReader implements ToolCallBodyReader {
  name: string | undefined;
  argumentsJson = "";
  private state: "head" | "between" | "value" | "tail" = "head";
  private pending = "";
  private properties: Record<string, unknown> = {};
  private param: OpenParameter | undefined;
  private count = 0;
  private error: string | undefined;

  constructor(private readonly tools: ToolDefinitions) {}

  feed(text: string): void {
    if (this.error) return;
    this.pending += text;
    while (!this.error && this.step());
  }

  finish(): ParsedToolCall {
    if (!this.error && this.state !== "tail")
      this.error =
        this.state === "head"
          ? "expected <function=NAME>…</function>"
          : this.state === "value"
            ? `missing ${PARAMETER_END}`
            : `missing ${FUNCTION_END}`;
    if (this.error) throw new ToolCallSyntaxError(this.error);
    this.argumentsJson += this.count > 0 ? "}" : "{}";
    const name = this.name as string;
    return { name, arguments: JSON.parse(this.argumentsJson), argumentsJson: this.argumentsJson };
  }

  /** Reads what `pending` allows; false when it must wait for more text. */
  private step(): boolean {
    if (this.state === "value") return this.readValue();
    if (this.state === "tail") {
      if (this.pending.trim()) this.fail(`unexpected text after ${FUNCTION_END}`);
      this.pending = "";
      return false;
    }
    const head = this.state === "head";
    const open = (head ? FUNCTION : PARAMETER).exec(this.pending);
    if (open) {
      this.pending = this.pending.slice(open[0].length);
      const name = open[1].trim();
      if (head) this.openFunction(name);
      else this.openParameter(name);
      return true;
    }
    const rest = this.pending.trimStart();
    if (!head && rest.startsWith(FUNCTION_END)) {
      this.pending = rest.slice(FUNCTION_END.length);
      this.state = "tail";
      return true;
    }
    const tag = head ? "<function=" : "<parameter=";
    const waiting =
      tag.startsWith(rest) ||
      (rest.startsWith(tag) && !/[>\n]/.test(rest)) ||
      (!head && FUNCTION_END.startsWith(rest));
    if (!waiting) this.fail(head ? "expected <function=NAME>…</function>" : `unexpected text: ${rest}`);
    return false;
  }

  private openFunction(name: string): void {
    if (!name) {
      this.fail("empty function name");
      return;
    }
    this.name = name;
    this.properties = schemaProperties(this.tools, name);
    this.state = "between";
  }

  private openParameter(key: string): void {
    this.argumentsJson += `${this.count++ > 0 ? "," : "{"}${JSON.stringify(key)}:`;
    this.param = { schema: this.properties[key], raw: "", sent: -1 };
    this.state = "value";
  }

  private readValue(): boolean {
    const param = this.param as OpenParameter;
    const end = this.pending.indexOf(PARAMETER_END);
    if (end < 0) {
      const keep = partialTagLength(this.pending, PARAMETER_END);
      param.raw += this.pending.slice(0, this.pending.length - keep);
      this.pending = this.pending.slice(this.pending.length - keep);
      if (isStringLike(param.schema)) this.streamString(param);
      return false;
    }
    param.raw += this.pending.slice(0, end);
    this.pending = this.pending.slice(end + PARAMETER_END.length);
    const value = param.raw.replace(/^\n/, "").replace(/\n$/, "");
    const typedValue = typed(value, param.schema);
    if (param.sent < 0) this.argumentsJson += JSON.stringify(typedValue);
    else this.argumentsJson += `${jsonStringBody(value.slice(param.sent))}"`;
    this.param = undefined;
    this.state = "between";
    return true;
  }

  /** Sends the settled part of a string value: not a newline that may be markup, nor a value that may be `null`. */
  private streamString(param: OpenParameter): void {
    if (param.raw === "") return;
    let settled = param.raw.replace(/^\n/, "").replace(/\n$/, "");
    if (/[\uD800-\uDBFF]$/.test(settled)) settled = settled.slice(0, -1);
    if (param.sent < 0) {
      if ("null".startsWith(settled.toLowerCase())) return;
      this.argumentsJson += '"';
      param.sent = 0;
    }
    this.argumentsJson += jsonStringBody(settled.slice(param.sent));
    param.sent = settled.length;
  }

  private fail(message: string): void {
    this.error = message;
    this.pending = "";
  }
}

/** Parses one whole XML tool call body. */
export function parseXmlToolCall(body: string, tools: ToolDefinitions): ParsedToolCall {
  const reader = new XmlToolCallReader(tools);
  reader.feed(body);
  return reader.finish();
}

/** A string's JSON text without its quotes. */
function jsonStringBody(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function schemaProperties(tools: ToolDefinitions, name: string): Record<string, unknown> {
  for (const tool of tools as { function?: { name?: string; parameters?: { properties?: object } } }[]) {
    const fn = tool.function ?? (tool as { name?: string; parameters?: { properties?: object } });
    if (fn.name === name) return (fn.parameters?.properties ?? {}) as Record<string, unknown>;
  }
  return {};
}

function schemaType(schema: unknown): string {
  const type = (schema as { type?: unknown } | undefined)?.type;
  const first = Array.isArray(type) ? type.find((t) => t !== "null") : type;
  return typeof first === "string" ? first.toLowerCase() : "string";
}

/**
 * True when a parameter's value stays text (unless it is `null`): a string type, no type at all, or a
 * parameter the schema lacks. Every other value is read as JSON.
 */
export function isStringLike(schema: unknown): boolean {
  return schema === undefined || STRING_TYPES.includes(schemaType(schema));
}

function typed(value: string, schema: unknown): unknown {
  if (value.toLowerCase() === "null") return null;
  if (isStringLike(schema)) return value;
  const type = schemaType(schema);
  if (/^(int|uint|long|short|unsigned)/.test(type))
    return /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  if (/^(num|float|double)/.test(type)) {
    const n = Number(value);
    return value.trim() && Number.isFinite(n) ? n : value;
  }
  if (["boolean", "bool", "binary"].includes(type)) {
    const lower = value.trim().toLowerCase();
    return lower === "true" ? true : lower === "false" ? false : value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
