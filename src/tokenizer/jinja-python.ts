/**
 * @module Renders a @huggingface/jinja template with Jinja2's Python semantics where the two differ on
 * constructs chat templates use (found by diffing against Jinja2, see scripts/render-reference-jinja2.py):
 * - `s.strip/lstrip/rstrip(chars)`: the library ignores `chars` and strips all whitespace (Qwen3 strips '\n');
 * - the `string` filter and `{{ value }}` of booleans and containers: Python's `True`, `[1, 'a']`, `{'k': None}`
 *   (Qwen3.5 renders tool arguments with `|string`); `none|string` is an error in the library;
 * - `tojson`: transformers' `json.dumps` (float spelling, `indent=0`, code-point `sort_keys`);
 * - `length` and `trim` of strings: code points and Python's whitespace set, not UTF-16 units and JS's.
 * The hooks are set on one interpreter instance per render; the library itself is not modified.
 */
import { Environment, Interpreter, type Template } from "@huggingface/jinja";
import { type JsonOptions, pyJson, pyStr, pyStrip, type RuntimeValue } from "./python-values.js";

interface Node {
  type: string;
  value?: string;
  callee?: Node & { object: Node; property: Node; computed: boolean };
  args?: Node[];
}

/** The interpreter methods hooked here (private in the library's typings, plain methods at runtime). */
interface Hooks {
  evaluate(node: Node, env: Environment): RuntimeValue;
  evaluateArguments(args: Node[], env: Environment): [RuntimeValue[], Map<string, RuntimeValue>];
  evaluateBlock(statements: Node[], env: Environment): RuntimeValue;
  applyFilter(operand: RuntimeValue, filter: Node, env: Environment): RuntimeValue;
  run(program: unknown): RuntimeValue;
}

// The library does not export its value classes; `Environment.set` returns instances of them.
const probe = new Environment();
const StringValue = probe.set("s", "").constructor as new (value: string) => RuntimeValue;
const IntegerValue = probe.set("i", 0).constructor as new (value: number) => RuntimeValue;

const STRIP_METHODS = new Set(["strip", "lstrip", "rstrip"]);

/** Renders `template` with `vars` and transformers' globals, with Python-compatible behaviour. */
export function renderPython(template: Template, vars: Record<string, unknown>): string {
  const env = new Environment();
  for (const [name, value] of Object.entries(GLOBALS)) env.set(name, value);
  for (const [name, value] of Object.entries(vars)) env.set(name, value);
  const interpreter = new Interpreter(env) as unknown as Hooks;
  const evaluate = interpreter.evaluate.bind(interpreter);
  const applyFilter = interpreter.applyFilter.bind(interpreter);

  interpreter.evaluate = (node, scope) => {
    const callee = node?.type === "CallExpression" ? node.callee : undefined;
    if (
      callee?.type === "MemberExpression" &&
      !callee.computed &&
      STRIP_METHODS.has(callee.property.value ?? "")
    ) {
      const target = evaluate(callee.object, scope);
      if (target.type === "StringValue") {
        const [args] = interpreter.evaluateArguments(node.args ?? [], scope);
        const chars = args[0]?.type === "StringValue" ? (args[0].value as string) : undefined;
        return new StringValue(pyStrip(target.value, chars, callee.property.value as "strip"));
      }
    }
    return evaluate(node, scope);
  };

  interpreter.applyFilter = (operand, filter, scope) => {
    const name = filter.type === "Identifier" ? filter.value : filter.callee?.value;
    if (name === "tojson") {
      const [, kwargs] = interpreter.evaluateArguments(
        filter.type === "Identifier" ? [] : (filter.args ?? []),
        scope,
      );
      return new StringValue(pyJson(operand, jsonOptions(kwargs)));
    }
    if (filter.type === "Identifier" && name === "string") return new StringValue(pyStr(operand));
    if (filter.type === "Identifier" && operand.type === "StringValue") {
      if (name === "length") return new IntegerValue([...(operand.value as string)].length);
      if (name === "trim") return new StringValue(pyStrip(operand.value, undefined, "strip"));
    }
    return applyFilter(operand, filter, scope);
  };

  // As the library's block evaluation, but printing non-strings the way Python's str() does.
  interpreter.evaluateBlock = (statements, scope) => {
    let out = "";
    for (const statement of statements) {
      const value = interpreter.evaluate(statement, scope);
      if (value.type !== "NullValue" && value.type !== "UndefinedValue") out += pyStr(value);
    }
    return new StringValue(out);
  };

  return interpreter.run(template.parsed).value as string;
}

function jsonOptions(kwargs: Map<string, RuntimeValue>): JsonOptions {
  const get = (key: string) => kwargs.get(key)?.value;
  const separators = get("separators") as RuntimeValue[] | undefined;
  return {
    indent: (get("indent") as number | string | undefined) ?? null,
    ensureAscii: get("ensure_ascii") === true,
    separators: separators ? [separators[0].value, separators[1].value] : null,
    sortKeys: get("sort_keys") === true,
  };
}

/** Python's `datetime.now().strftime(fmt)` for the directives chat templates use. */
function strftimeNow(format: string): string {
  const d = new Date();
  const months = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
  ];
  const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const codes: Record<string, string> = {
    Y: String(d.getFullYear()),
    y: pad(d.getFullYear() % 100),
    m: pad(d.getMonth() + 1),
    d: pad(d.getDate()),
    H: pad(d.getHours()),
    I: pad(d.getHours() % 12 || 12),
    M: pad(d.getMinutes()),
    S: pad(d.getSeconds()),
    p: d.getHours() < 12 ? "AM" : "PM",
    B: months[d.getMonth()],
    b: months[d.getMonth()].slice(0, 3),
    A: days[d.getDay()],
    a: days[d.getDay()].slice(0, 3),
    "%": "%",
    j: pad(Math.floor((d.getTime() - new Date(d.getFullYear(), 0, 1).getTime()) / 86400000) + 1, 3),
  };
  return format.replace(/%([A-Za-z%])/g, (m, c: string) => codes[c] ?? m);
}

/** Python's `range(stop)` / `range(start, stop[, step])`. */
function range(a: number, b?: number, step = 1): number[] {
  const [start, stop] = b === undefined ? [0, a] : [a, b];
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** What the library's Template.render and transformers put in every template's globals. */
const GLOBALS: Record<string, unknown> = {
  true: true,
  false: false,
  none: null,
  True: true,
  False: false,
  None: null,
  raise_exception: (message: string) => {
    throw new Error(message);
  },
  strftime_now: strftimeNow,
  range,
};
