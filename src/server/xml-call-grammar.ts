/**
 * @module The grammar of a forced Qwen3.5 tool call (the XML format) after its opening, so that its
 * parameters follow the function's schema as Rio's XML reader types them back:
 *
 *   <function=NAME>\n<parameter=KEY>\nVALUE\n</parameter>\n ... </function>\n</tool_call>
 *
 * A text parameter (a string type, or no type: see isTextParameter) is written raw, as the chat template
 * writes it: any text without `</`, which would end it early; an `enum` or `const` of strings is one of
 * its values. Every other parameter is a JSON value under its own schema (`$ref`s resolve in the whole
 * parameters schema). Properties come in schema order, the required ones always. Raw text cannot carry
 * string keywords (lengths, formats, patterns): a strict function with them is refused, a best-effort one
 * drops them. A raw value that reads `null` becomes null (as the reader has it).
 */
import { SchemaError, type SchemaGrammar } from "../decoding/index.js";
import { isTextParameter } from "../tokenizer/index.js";

/** One function a forced call may name. */
export interface CalledFunction {
  name: string;
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
}

/** Text with no `</` in it: a raw value can hold anything but the start of its closing tag. */
const RAW_TEXT = '( [^<] | "<" [^/] )*';
/** Keywords a raw text value cannot be held to. */
const STRING_KEYWORDS = ["minLength", "maxLength", "format", "pattern", "contentEncoding"];
/** Keywords of the parameters object itself that the XML form follows. */
const OBJECT_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "$defs",
  "definitions",
]);

/**
 * The rules after `<function=` (`named`: after `<function=NAME>\n`) up to `</tool_call>`; returns the
 * root's body. `onError(error, fn)` decides what a function whose schema fails becomes: it throws (strict)
 * or returns a fallback schema.
 * @example
 * xmlCallGrammar(grammar, [{ name: "f", parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } }], true);
 * // '( f-xml-params ) "</function>\n</tool_call>"', f-xml-params ::= "<parameter=q>\n" ... "\n</parameter>\n"
 */
export function xmlCallGrammar(
  grammar: SchemaGrammar,
  called: readonly CalledFunction[],
  named: boolean,
  onError: (error: unknown, fn: CalledFunction) => void,
): string {
  const calls = called.map((fn) => {
    let params: string;
    try {
      params = parameterRules(grammar, fn);
    } catch (error) {
      onError(error, fn);
      params = parameterRules(grammar, { name: fn.name, parameters: { type: "object" } });
    }
    return named ? params : `${literal(`${fn.name}>\n`)} ${params}`;
  });
  return `( ${calls.join(" | ")} ) ${literal("</function>\n</tool_call>")}`;
}

/** The rule of a function's parameters: one `<parameter=…>` block per property. */
function parameterRules(grammar: SchemaGrammar, fn: CalledFunction): string {
  const strict = fn.strict === true;
  const schema = fn.parameters ?? { type: "object" };
  if (strict)
    for (const key of Object.keys(schema))
      if (!OBJECT_KEYWORDS.has(key) && !ANNOTATIONS.has(key))
        throw new SchemaError(`/${key}`, `keyword "${key}" is not supported for XML-format tool parameters`);
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const keys = Object.keys(properties);
  const hint = `${fn.name}-xml`;
  if (keys.length === 0) {
    // no listed properties: none at all when strict, any raw ones otherwise
    if (strict || schema.additionalProperties === false) return grammar.rule(`${hint}-params`, '""');
    const any = `"<parameter=" [^>\\n]+ ">\\n" ${RAW_TEXT} "\\n</parameter>\\n"`;
    return grammar.rule(`${hint}-params`, `( ${any} )*`);
  }
  const blocks = keys.map((key) => {
    const value = valueRule(grammar, properties[key], `${hint}-${key}`, strict, {
      document: schema,
      path: `/properties/${escapePointer(key)}`,
    });
    const block = `${literal(`<parameter=${key}>\n`)} ${value} ${literal("\n</parameter>\n")}`;
    return required.has(key) ? block : `( ${block} )?`;
  });
  return grammar.rule(`${hint}-params`, blocks.join(" "));
}

/** A parameter value: raw text (a text parameter) or JSON under its schema. */
function valueRule(
  grammar: SchemaGrammar,
  schema: unknown,
  hint: string,
  strict: boolean,
  within: { document: Record<string, unknown>; path: string },
): string {
  if (!isTextParameter(schema)) return grammar.add(schema, hint, strict, within);
  const node = (schema ?? {}) as Record<string, unknown>;
  const choices = node.const !== undefined ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (choices?.every((c) => typeof c === "string"))
    return grammar.rule(hint, choices.map((c) => literal(c as string)).join(" | "));
  if (strict) {
    const held = choices ? "enum" : STRING_KEYWORDS.find((k) => node[k] !== undefined);
    if (held)
      throw new SchemaError(
        `${within.path}/${held}`,
        `keyword "${held}" cannot hold for a raw XML parameter value (it is written as plain text)`,
      );
    if (node.type === undefined)
      throw new SchemaError(
        within.path,
        "an XML-format tool parameter without a type is read back as text: give it a type (a $ref or anyOf alone has none)",
      );
  }
  return grammar.rule(`${hint}-text`, RAW_TEXT);
}

/** Keywords that only annotate a schema. */
const ANNOTATIONS = new Set(["title", "description", "default", "examples", "$schema", "$id", "$comment"]);

/** A GBNF string literal of `text`. */
function literal(text: string): string {
  return JSON.stringify(text);
}

/** A JSON pointer token of `key` (RFC 6901). */
function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
