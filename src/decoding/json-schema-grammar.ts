/**
 * @module A JSON schema as a GBNF grammar (llama.cpp's format), for `response_format: json_schema` and the
 * arguments of tool calls: every document the grammar allows validates against the schema. The design
 * follows llama.cpp's `json_schema_to_grammar.py` (MIT, The ggml authors): one rule per schema node,
 * required properties first in schema order, then the optional ones, `$ref` as a rule reference (so
 * recursive schemas work). Keywords the grammar cannot enforce are refused (strict) or dropped (best
 * effort), never silently half-applied in strict mode; sizes are bounded so a grammar cannot blow up.
 */
import { FIXED_RULES, FORMAT_RULES, integerRange, repetition } from "./json-schema-rules.js";

/** Limits on a schema, so a grammar stays small. */
export const SCHEMA_LIMITS = {
  /** Deepest nesting of schema nodes (following `$ref` does not count). */
  depth: 32,
  /** Most schema nodes in one grammar. */
  nodes: 2000,
  /** Most `enum` values in one node. */
  enumValues: 500,
  /** Largest `minItems`, `maxItems`, `minLength`, `maxLength` (llama.cpp expands bounded repetitions). */
  bound: 1000,
};

/** A schema the grammar cannot follow; `path` is a JSON pointer into the schema ("" for its root). */
export class SchemaError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path === "" ? "the schema" : `at ${path}`}: ${message}`);
  }
}

type Schema = Record<string, unknown>;

/** Keywords that only annotate: accepted and ignored. */
const ANNOTATIONS = new Set([
  "title",
  "description",
  "default",
  "examples",
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "definitions",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
/** The keywords each type enforces. */
const TYPE_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  object: ["properties", "required", "additionalProperties"],
  array: ["items", "prefixItems", "minItems", "maxItems"],
  string: ["minLength", "maxLength", "format"],
  integer: ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
  number: ["minimum"],
  boolean: [],
  null: [],
};
const TYPES = Object.keys(TYPE_KEYWORDS);

/**
 * Builds the rules of one grammar from one or more schemas (each a document of its own for `$ref`).
 * @example
 * const g = new SchemaGrammar({ strict: true });
 * const root = g.add({ type: "object", properties: { a: { type: "integer" } }, required: ["a"] }, "root");
 * g.rules(); // 'root ::= "{" space a-kv space "}"\n...'
 */
export class SchemaGrammar {
  private readonly defined = new Map<string, string>();
  private nodes = 0;
  private document: Schema = {};
  private refs = new Map<string, string>();
  private strict: boolean;

  /** strict: refuse keywords the grammar cannot enforce; otherwise drop them (best effort). */
  constructor(private readonly options: { strict: boolean }) {
    this.strict = options.strict;
  }

  /**
   * Adds `schema`'s rules (`strict` overrides the grammar's option); returns the name of its top rule.
   * `schema` may be a part of `document` (its `$ref`s resolve there), found at JSON pointer `path`.
   */
  add(
    schema: unknown,
    name: string,
    strict = this.options.strict,
    within: { document: unknown; path: string } = { document: schema, path: "" },
  ): string {
    if (!isSchema(schema) || !isSchema(within.document))
      throw new SchemaError(within.path, "a schema is a JSON object");
    this.strict = strict;
    this.document = within.document;
    this.refs = new Map();
    name = ruleName(name);
    const top = this.visit(schema, name, within.path, 0);
    // a top rule named otherwise (a fixed rule, a $ref) gets `name` as an alias
    if (top !== name && !this.defined.has(name)) this.defined.set(name, top);
    return this.defined.get(name) === top ? name : top;
  }

  /** Defines a rule of the caller's with body `body` (GBNF), named after `hint` unless taken; returns its name. */
  rule(hint: string, body: string): string {
    return this.define(hint, body);
  }

  /** The GBNF text of every rule added so far. */
  rules(): string {
    return [...this.defined].map(([name, body]) => `${name} ::= ${body}`).join("\n");
  }

  /** Defines rule `hint` (renamed if taken by another body) and returns its name. */
  private define(hint: string, body: string): string {
    const base = ruleName(hint);
    let name = FIXED_RULES[base] && base !== "root" ? `${base}-` : base;
    for (let i = 0; this.defined.has(name) && this.defined.get(name) !== body; i++) name = `${base}${i}`;
    this.defined.set(name, body);
    return name;
  }

  /** A fixed rule (and those it names), defined once. */
  private fixed(name: string): string {
    if (!this.defined.has(name)) {
      const rule = FIXED_RULES[name];
      this.defined.set(name, rule.body);
      for (const dep of rule.deps) this.fixed(dep);
    }
    return name;
  }

  private visit(node: unknown, name: string, path: string, depth: number): string {
    if (node === true) return this.fixed("value");
    if (!isSchema(node)) throw new SchemaError(path, "a schema is a JSON object or true");
    if (depth > SCHEMA_LIMITS.depth) throw new SchemaError(path, `nested deeper than ${SCHEMA_LIMITS.depth}`);
    if (++this.nodes > SCHEMA_LIMITS.nodes)
      throw new SchemaError(path, `more than ${SCHEMA_LIMITS.nodes} schema nodes`);
    const sub = (child: unknown, suffix: string, key: string) =>
      this.visit(child, `${name}-${suffix}`, `${path}/${key}`, depth + 1);

    if (node.$ref !== undefined) {
      this.only(node, path, ["$ref"], "$ref");
      return this.reference(node.$ref, path);
    }
    for (const key of ["anyOf", "oneOf"] as const)
      if (node[key] !== undefined) {
        this.only(node, path, [key], key);
        const alternatives = list(node[key], `${path}/${key}`);
        const rules = alternatives.map((alt, i) => sub(alt, String(i), `${key}/${i}`));
        return this.define(name, rules.join(" | "));
      }
    if (node.allOf !== undefined) {
      const { allOf, ...rest } = node;
      const parts = list(allOf, `${path}/allOf`);
      // pydantic's {allOf: [{$ref}], description}: the one part is the schema
      if (parts.length === 1 && Object.keys(rest).every((k) => ANNOTATIONS.has(k)))
        return this.visit(parts[0], name, `${path}/allOf/0`, depth + 1);
      return this.visit(this.merged(rest, parts, path), name, path, depth);
    }
    if (node.const !== undefined || node.enum !== undefined) {
      this.only(node, path, ["const", "enum", "type"], node.const !== undefined ? "const" : "enum");
      const values = node.const !== undefined ? [node.const] : list(node.enum, `${path}/enum`);
      if (values.length > SCHEMA_LIMITS.enumValues)
        throw new SchemaError(`${path}/enum`, `more than ${SCHEMA_LIMITS.enumValues} values`);
      const types = node.type === undefined ? TYPES : typeList(node.type, path);
      const allowed = values.filter((v) => types.some((t) => hasType(v, t)));
      if (allowed.length === 0)
        throw new SchemaError(path, "no value of enum or const has the schema's type");
      return this.define(name, `(${allowed.map((v) => literal(JSON.stringify(v))).join(" | ")})`);
    }
    const types = node.type === undefined ? inferredTypes(node) : typeList(node.type, path);
    this.only(
      node,
      path,
      ["type", ...types.flatMap((t) => TYPE_KEYWORDS[t])],
      types.length === TYPES.length ? "a schema without type" : `type ${types.join(", ")}`,
    );
    if (types.length === TYPES.length) return this.fixed("value");
    const rules = types.map((type) =>
      this.typed(type, node, types.length === 1 ? name : `${name}-${type}`, path, depth),
    );
    return rules.length === 1 ? rules[0] : this.define(name, rules.join(" | "));
  }

  /** The rule of `node` as a value of one type. */
  private typed(type: string, node: Schema, name: string, path: string, depth: number): string {
    const sub = (child: unknown, suffix: string, key: string) =>
      this.visit(child, `${name}-${suffix}`, `${path}/${key}`, depth + 1);
    switch (type) {
      case "object":
        return this.object(node, name, path, sub);
      case "array": {
        const prefix = Array.isArray(node.items) ? node.items : node.prefixItems;
        const items = Array.isArray(node.items) ? undefined : node.items;
        const min = bound(node, "minItems", path) ?? 0;
        const max = bound(node, "maxItems", path);
        const head = prefix === undefined ? [] : list(prefix, `${path}/prefixItems`);
        if (max !== undefined && max < head.length)
          throw new SchemaError(`${path}/maxItems`, "maxItems is below the number of prefixItems");
        const parts = head.map((item, i) => sub(item, `tuple-${i}`, `prefixItems/${i}`));
        const restMin = Math.max(min - head.length, 0);
        // without `items` after prefixItems, any value may follow: only as many as minItems asks for
        const restMax = items === false ? 0 : max === undefined ? undefined : max - head.length;
        if (items === false && restMin > 0)
          throw new SchemaError(`${path}/minItems`, "minItems asks for more items than prefixItems allows");
        const item =
          items === undefined || items === true || items === false ? "value" : sub(items, "item", "items");
        if (item === "value") this.fixed("value");
        const rest = head.length > 0 && items === undefined ? restMin : restMax;
        let body = parts.join(' "," space ');
        if (rest !== 0 && parts.length === 0) body = repetition(item, restMin, rest, '"," space');
        else if (rest !== 0 && restMin > 0)
          body += ` "," space ${repetition(item, restMin, rest, '"," space')}`;
        else if (rest !== 0) body += ` ( "," space ${repetition(item, 1, rest, '"," space')} )?`;
        this.fixed("space");
        return this.define(name, `"[" space ${body} space "]"`);
      }
      case "string": {
        if (node.format !== undefined) {
          const rule = FORMAT_RULES[String(node.format)];
          if (rule === undefined || node.minLength !== undefined || node.maxLength !== undefined) {
            const what =
              rule === undefined
                ? `format ${JSON.stringify(node.format)} is not supported (supported: ${Object.keys(FORMAT_RULES).join(", ")})`
                : "minLength and maxLength cannot be combined with format";
            if (this.strict) throw new SchemaError(`${path}/format`, what);
          }
          if (rule !== undefined) return this.fixed(rule);
        }
        const min = bound(node, "minLength", path) ?? 0;
        const max = bound(node, "maxLength", path);
        if (min === 0 && max === undefined) return this.fixed("string");
        return this.define(name, `"\\"" ${repetition(this.fixed("char"), min, max)} "\\""`);
      }
      case "integer": {
        const min = limit(node, "minimum", "exclusiveMinimum", path, Math.ceil, 1);
        const max = limit(node, "maximum", "exclusiveMaximum", path, Math.floor, -1);
        if (min === undefined && max === undefined) return this.fixed("integer");
        if (min !== undefined && max !== undefined && min > max)
          throw new SchemaError(path, "no integer lies between minimum and maximum");
        return this.define(name, integerRange(min, max));
      }
      case "number": {
        if (node.minimum === undefined) return this.fixed("number");
        if (node.minimum === 0) return this.fixed("non-negative-number");
        if (this.strict)
          throw new SchemaError(
            `${path}/minimum`,
            "a number's minimum can only be 0 (integers take any bounds)",
          );
        return this.fixed("number");
      }
      default:
        return this.fixed(type);
    }
  }

  private object(
    node: Schema,
    name: string,
    path: string,
    sub: (child: unknown, suffix: string, key: string) => string,
  ): string {
    const properties = (isSchema(node.properties) ? node.properties : {}) as Schema;
    if (node.properties !== undefined && !isSchema(node.properties))
      throw new SchemaError(`${path}/properties`, "properties is an object of schemas");
    const required = new Set(list(node.required ?? [], `${path}/required`).map(String));
    // an object schema that names no property takes any (as JSON Schema says; declared ones close it)
    const additional =
      node.additionalProperties ??
      (Object.keys(properties).length === 0 && required.size === 0 ? true : undefined);
    const keys = Object.keys(properties);
    // a required name without a property schema takes additionalProperties' schema
    for (const key of required)
      if (!(key in properties)) {
        if (additional === false)
          throw new SchemaError(`${path}/required`, `${JSON.stringify(key)} is required but not allowed`);
        keys.push(key);
      }
    const kv = new Map<string, string>();
    keys.forEach((key) => {
      const schema = key in properties ? properties[key] : (additional ?? true);
      const value = sub(schema, key, `properties/${pointerToken(key)}`);
      kv.set(
        key,
        this.define(`${name}-${key}-kv`, `${literal(JSON.stringify(key))} space ":" space ${value}`),
      );
    });
    this.fixed("space");
    const mandatory = keys.filter((k) => required.has(k)).map((k) => kv.get(k) as string);
    const optional = keys.filter((k) => !required.has(k)).map((k) => kv.get(k) as string);
    let extra = "";
    if (additional !== undefined && additional !== false) {
      const value = sub(additional, "additional-value", "additionalProperties");
      const key =
        keys.length === 0 ? this.fixed("string") : this.define(`${name}-additional-k`, notStrings(keys));
      this.fixed("char");
      extra = this.define(`${name}-additional-kv`, `${key} ":" space ${value}`);
    }
    // optional properties in order, each present or not, then any number of additional ones: alternative i
    // starts with the i-th and goes on with a shared rule of the rest (llama.cpp's `-rest` rules)
    const chain = [...optional, ...(extra ? [extra] : [])];
    const after: string[] = [];
    for (let i = chain.length - 2; i >= 0; i--) {
      const next = chain[i + 1];
      const body = `( "," space ${next} )${next === extra ? "*" : "?"}${after[i + 1] ? ` ${after[i + 1]}` : ""}`;
      after[i] = this.define(`${name}-rest-${i}`, body);
    }
    const alternatives = chain.map(
      (first, i) =>
        `${first}${first === extra ? ` ( "," space ${extra} )*` : ""}${after[i] ? ` ${after[i]}` : ""}`,
    );
    let body = mandatory.join(' "," space ');
    if (alternatives.length > 0)
      body +=
        mandatory.length > 0
          ? ` ( "," space ( ${alternatives.join(" | ")} ) )?`
          : `( ${alternatives.join(" | ")} )?`;
    return this.define(name, `"{" space ${body} space "}"`);
  }

  /** `allOf` of object schemas as one object schema (properties and required joined). */
  private merged(rest: Schema, allOf: unknown[], path: string): Schema {
    const parts = [rest, ...allOf.map((p, i) => this.resolved(p, `${path}/allOf/${i}`))];
    const properties: Schema = {};
    const required: unknown[] = [];
    parts.forEach((part, i) => {
      const at = i === 0 ? path : `${path}/allOf/${i - 1}`;
      for (const key of Object.keys(part).filter((k) => !ANNOTATIONS.has(k))) {
        if (key === "properties" && isSchema(part.properties)) {
          for (const [k, v] of Object.entries(part.properties)) {
            if (k in properties) throw new SchemaError(at, `allOf defines property ${k} twice`);
            properties[k] = v;
          }
        } else if (key === "required") required.push(...list(part.required, `${at}/required`));
        else if (
          !(key === "type" && part.type === "object") &&
          !(key === "additionalProperties" && part[key] === false)
        )
          throw new SchemaError(
            `${at}/${key}`,
            `allOf is supported for object schemas only, not with ${key}`,
          );
      }
    });
    return { type: "object", properties, required };
  }

  /** `node`, or the schema its `$ref` points at (for allOf). */
  private resolved(node: unknown, path: string): Schema {
    if (!isSchema(node)) throw new SchemaError(path, "a schema is a JSON object");
    return typeof node.$ref === "string" ? this.target(node.$ref, path) : node;
  }

  /** The rule of a `$ref` (named before it is visited, so recursive schemas refer to it). */
  private reference(ref: unknown, path: string): string {
    if (typeof ref !== "string") throw new SchemaError(`${path}/$ref`, "$ref is a string");
    const known = this.refs.get(ref);
    if (known) return known;
    const target = this.target(ref, path);
    const name = this.define(`ref${ref.slice(1)}`, "");
    this.refs.set(ref, name);
    this.defined.set(name, this.visit(target, `${name}-body`, ref.slice(1), 0));
    return name;
  }

  private target(ref: string, path: string): Schema {
    if (!ref.startsWith("#"))
      throw new SchemaError(`${path}/$ref`, `only local references (#/...) are supported, not ${ref}`);
    let target: unknown = this.document;
    for (const token of ref.slice(1).split("/").slice(1)) {
      const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isSchema(target) || Array.isArray(target) ? (target as Schema)[key] : undefined;
      if (target === undefined) throw new SchemaError(`${path}/$ref`, `${ref} points at nothing`);
    }
    if (!isSchema(target) && target !== true) throw new SchemaError(`${path}/$ref`, `${ref} is not a schema`);
    return target === true ? {} : target;
  }

  /** Refuses (strict) keywords of `node` outside `allowed` and the annotations; `what` names the context. */
  private only(node: Schema, path: string, allowed: readonly string[], what: string): void {
    if (!this.strict) return;
    const extra = Object.keys(node).find((k) => !ANNOTATIONS.has(k) && !allowed.includes(k));
    if (extra !== undefined)
      throw new SchemaError(
        `${path}/${pointerToken(extra)}`,
        `keyword ${JSON.stringify(extra)} is not supported with ${what} (Rio enforces: ${allowed.join(", ")})`,
      );
  }
}

/** `hint` as a GBNF rule name. */
function ruleName(hint: string): string {
  return hint.replace(/[^a-zA-Z0-9-]+/g, "-") || "x";
}

function isSchema(x: unknown): x is Schema {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function list(x: unknown, path: string): unknown[] {
  if (!Array.isArray(x)) throw new SchemaError(path, "expected an array");
  return x;
}

function typeList(type: unknown, path: string): string[] {
  const types = Array.isArray(type) ? type : [type];
  for (const t of types)
    if (typeof t !== "string" || !TYPES.includes(t))
      throw new SchemaError(`${path}/type`, `unknown type ${JSON.stringify(t)}`);
  // "integer" is a "number": listing both means number
  return types.includes("number") ? types.filter((t) => t !== "integer") : types;
}

/** The type a schema without `type` implies from its keywords (all types when none does). */
function inferredTypes(node: Schema): string[] {
  const implied = TYPES.filter((t) => TYPE_KEYWORDS[t].some((k) => k in node) && t !== "number");
  return implied.length > 0 ? implied : TYPES;
}

function hasType(value: unknown, type: string): boolean {
  if (type === "integer") return Number.isInteger(value);
  if (type === "null") return value === null;
  if (type === "array") return Array.isArray(value);
  if (type === "object") return isSchema(value);
  return typeof value === type;
}

function bound(node: Schema, key: string, path: string): number | undefined {
  const value = node[key];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new SchemaError(`${path}/${key}`, `${key} is a non-negative integer`);
  if ((value as number) > SCHEMA_LIMITS.bound)
    throw new SchemaError(`${path}/${key}`, `${key} above ${SCHEMA_LIMITS.bound} is not supported`);
  return value as number;
}

/** An integer bound from its inclusive and exclusive keywords (numeric, as in draft 6 and later). */
function limit(
  node: Schema,
  inclusive: string,
  exclusive: string,
  path: string,
  round: (x: number) => number,
  step: number,
): number | undefined {
  const bounds: number[] = [];
  for (const key of [inclusive, exclusive]) {
    const value = node[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || Math.abs(value) > 1e15)
      throw new SchemaError(`${path}/${key}`, `${key} is a number of at most 15 digits`);
    bounds.push(key === inclusive ? round(value) : Number.isInteger(value) ? value + step : round(value));
  }
  if (bounds.length === 0) return undefined;
  return step > 0 ? Math.max(...bounds) : Math.min(...bounds);
}

/** A JSON pointer token. */
function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A GBNF literal of `text`. */
function literal(text: string): string {
  return `"${text.replace(/[\r\n"\\]/g, (c) => ({ "\r": "\\r", "\n": "\\n", '"': '\\"', "\\": "\\\\" })[c] as string)}"`;
}

/** A JSON string that is none of `strings` (additional property names besides the declared ones). */
function notStrings(strings: readonly string[]): string {
  interface Trie {
    children: Map<string, Trie>;
    end: boolean;
  }
  const root: Trie = { children: new Map(), end: false };
  for (const s of strings) {
    let node = root;
    for (const c of s) {
      if (!node.children.has(c)) node.children.set(c, { children: new Map(), end: false });
      node = node.children.get(c) as Trie;
    }
    node.end = true;
  }
  const charClass = (c: string) => c.replace(/[\\\]\-^"]/g, (x) => `\\${x}`).replace(/\n/g, "\\n");
  const out: string[] = ['"\\"" ( '];
  const visit = (node: Trie) => {
    const rejects: string[] = [];
    let first = true;
    for (const c of [...node.children.keys()].sort()) {
      const child = node.children.get(c) as Trie;
      rejects.push(charClass(c));
      if (!first) out.push(" | ");
      first = false;
      out.push(`[${charClass(c)}]`);
      if (child.children.size > 0) {
        out.push(" (");
        visit(child);
        out.push(")");
      } else if (child.end) out.push(" char+");
    }
    if (node.children.size > 0) {
      if (!first) out.push(" | ");
      out.push(`[^"\\\\\\x7F\\x00-\\x1F${rejects.join("")}] char*`);
    }
  };
  visit(root);
  out.push(` )${root.end ? "" : "?"} "\\""`);
  return out.join("");
}
