/**
 * @module Qwen3 tool-call body: `\n{"name": NAME, "arguments": {…}}\n` (Hermes style), read as it streams.
 *
 * The arguments' JSON text is the model's own text of the `arguments` object less the whitespace between
 * tokens (strings, numbers and literals stay as written), streamed as each character arrives; `arguments`
 * given as a JSON string holding the object is decoded first, and comes out whole at the end.
 */
import { type ParsedToolCall, type ToolCallBodyReader, ToolCallSyntaxError } from "./tool-call-types.js";

const WHITESPACE = " \t\n\r";

/**
 * Drops the whitespace between the tokens of one JSON object or array, a character at a time.
 * @example
 * const m = new JsonMinifier();
 * [...'{"a": [1, 2]}'].map((c) => m.push(c)).join(""); // '{"a":[1,2]}', and m.done is true
 */
export class JsonMinifier {
  /** True once the value's closing bracket has passed. */
  done = false;
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Feeds one character; returns it, or "" for whitespace between tokens. */
  push(c: string): string {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === "\\") this.escaped = true;
      else if (c === '"') this.inString = false;
      return c;
    }
    if (WHITESPACE.includes(c)) return "";
    if (c === '"') this.inString = true;
    else if (c === "{" || c === "[") this.depth++;
    else if ((c === "}" || c === "]") && --this.depth <= 0) this.done = true;
    return c;
  }
}

/**
 * Streams a JSON tool call: the name once its string closes, the arguments as they come.
 * @example
 * const r = new JsonToolCallReader();
 * r.feed('\n{"name": "f", "arguments": {"x": ');
 * [r.name, r.argumentsJson]; // ["f", '{"x":']
 * r.feed("1}}\n");
 * r.finish(); // { name: "f", arguments: { x: 1 }, argumentsJson: '{"x":1}' }
 */
export class JsonToolCallReader implements ToolCallBodyReader {
  name: string | undefined;
  argumentsJson = "";
  private body = "";
  // A scan of the outer object: depth, the string being read, and what its top level expects next.
  private depth = 0;
  private inString = false;
  private escaped = false;
  private token = "";
  private expect: "key" | "colon" | "value" | "next" = "key";
  private key: unknown;
  private readonly keys = new Map<unknown, number>();
  private args: JsonMinifier | undefined;

  feed(text: string): void {
    this.body += text;
    for (const c of text) this.scan(c);
  }

  finish(): ParsedToolCall {
    const { name, args } = parseBody(this.body);
    if ((this.keys.get("name") ?? 0) > 1 || (this.keys.get("arguments") ?? 0) > 1)
      throw new ToolCallSyntaxError('tool call repeats "name" or "arguments"');
    if (typeof args === "string") this.argumentsJson = minify(args);
    else if (!this.args) this.argumentsJson = "{}";
    return { name, arguments: JSON.parse(this.argumentsJson), argumentsJson: this.argumentsJson };
  }

  private scan(c: string): void {
    if (this.args && !this.args.done) {
      this.argumentsJson += this.args.push(c);
      return;
    }
    const top = this.depth === 1;
    if (this.inString) {
      if (top) this.token += c;
      if (this.escaped) this.escaped = false;
      else if (c === "\\") this.escaped = true;
      else if (c === '"') {
        this.inString = false;
        if (top) this.endString();
      }
      return;
    }
    if (WHITESPACE.includes(c)) return;
    if (c === '"') {
      this.inString = true;
      this.token = c;
    } else if (c === "{" || c === "[") {
      if (top && this.expect === "value" && this.key === "arguments" && c === "{" && !this.args) {
        this.args = new JsonMinifier();
        this.argumentsJson += this.args.push(c);
      } else this.depth++;
      if (top) this.expect = "next";
    } else if (c === "}" || c === "]") this.depth--;
    else if (top) this.expect = c === ":" ? "value" : c === "," ? "key" : "next";
  }

  /** A top-level string closed: a key, or the value of one. */
  private endString(): void {
    let text: unknown;
    try {
      text = JSON.parse(this.token);
    } catch {}
    if (this.expect === "key") {
      this.key = text;
      this.keys.set(text, (this.keys.get(text) ?? 0) + 1);
      this.expect = "colon";
    } else if (this.expect === "value") {
      if (this.key === "name" && this.keys.get("name") === 1 && typeof text === "string" && text)
        this.name = text;
      this.expect = "next";
    }
  }
}

/** Parses one whole JSON tool call body. */
export function parseJsonToolCall(body: string): ParsedToolCall {
  const reader = new JsonToolCallReader();
  reader.feed(body);
  return reader.finish();
}

/** Checks the whole body; `args` is the arguments object, or the JSON string that holds it. */
function parseBody(body: string): { name: string; args: Record<string, unknown> | string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new ToolCallSyntaxError(`tool call is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new ToolCallSyntaxError("tool call must be a JSON object");
  if (typeof value.name !== "string" || !value.name)
    throw new ToolCallSyntaxError('tool call needs a string "name"');
  const args = value.arguments ?? {};
  if (typeof args === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args);
    } catch {
      throw new ToolCallSyntaxError('"arguments" string is not valid JSON');
    }
    if (!isObject(parsed)) throw new ToolCallSyntaxError('"arguments" must be a JSON object');
    return { name: value.name, args };
  }
  if (!isObject(args)) throw new ToolCallSyntaxError('"arguments" must be a JSON object');
  return { name: value.name, args };
}

function minify(json: string): string {
  const m = new JsonMinifier();
  let out = "";
  for (const c of json) out += m.push(c);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
