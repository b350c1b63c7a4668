/**
 * @module Qwen3.5 / Qwen3-Coder tool-call body:
 * `\n<function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n…</function>\n`.
 *
 * Values are raw text: one newline after `<parameter=KEY>` and one before `</parameter>` belong to the markup
 * (as in vLLM's qwen3_coder parser and the Qwen3.5 template). Each value is typed by the tool's JSON schema:
 * `null` -> null; string types stay text; integer/number -> number; boolean -> true/false; anything else is
 * parsed as JSON. Values that do not fit their type, and parameters the schema does not list, stay strings.
 */
import { type ParsedToolCall, ToolCallSyntaxError, type ToolDefinitions } from "./tool-call-types.js";

const FUNCTION = /^\s*<function=([^>\n]+)>([\s\S]*)<\/function>\s*$/;
const PARAMETER = /<parameter=([^>\n]+)>([\s\S]*?)<\/parameter>/g;

/** Parses one XML tool call, typing values with the matching tool's `parameters` schema. */
export function parseXmlToolCall(body: string, tools: ToolDefinitions): ParsedToolCall {
  const fn = FUNCTION.exec(body);
  if (!fn) throw new ToolCallSyntaxError("expected <function=NAME>…</function>");
  const name = fn[1].trim();
  const inner = fn[2];
  const properties = schemaProperties(tools, name);
  const args: Record<string, unknown> = {};
  const leftover = inner.replace(PARAMETER, (_m, key: string, raw: string) => {
    const value = raw.replace(/^\n/, "").replace(/\n$/, "");
    args[key.trim()] = typed(value, properties[key.trim()]);
    return "";
  });
  if (leftover.trim())
    throw new ToolCallSyntaxError(`unexpected text in <function=${name}>: ${leftover.trim()}`);
  return { name, arguments: args, argumentsJson: JSON.stringify(args) };
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

function typed(value: string, schema: unknown): unknown {
  if (value.toLowerCase() === "null") return null;
  if (schema === undefined) return value;
  const type = schemaType(schema);
  if (["string", "str", "text", "varchar", "char", "enum"].includes(type)) return value;
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
