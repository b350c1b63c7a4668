/**
 * @module Python's spelling of values, for the places where Jinja2 calls into Python: `str()` (the `string`
 * filter, `{{ value }}`), `repr()` inside containers, `json.dumps` (transformers' `tojson`) and `str.strip`.
 * Values are @huggingface/jinja runtime values, read through their `type` and `value` fields.
 */

/** The shape of a @huggingface/jinja runtime value that these functions read. */
export interface RuntimeValue {
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: runtime values hold strings, numbers, arrays or maps
  value: any;
  toString(): string;
}

/** Characters Python's `str.isspace()` accepts: what `strip()` without arguments removes. */
const PY_WHITESPACE = new Set(
  [..."\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000"].concat(
    Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
  ),
);

/** Python's `str.strip/lstrip/rstrip(chars)`; `chars` undefined means whitespace. Works on code points. */
export function pyStrip(
  text: string,
  chars: string | undefined,
  side: "strip" | "lstrip" | "rstrip",
): string {
  const set = chars === undefined ? PY_WHITESPACE : new Set(chars);
  const points = [...text];
  let start = 0;
  let end = points.length;
  if (side !== "rstrip") while (start < end && set.has(points[start])) start++;
  if (side !== "lstrip") while (end > start && set.has(points[end - 1])) end--;
  return points.slice(start, end).join("");
}

/** Python's `repr(float)`: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const [mantissa, exp] = x.toExponential().split("e");
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** Python's `str(value)`. */
export function pyStr(v: RuntimeValue): string {
  switch (v.type) {
    case "StringValue":
      return v.value;
    case "BooleanValue":
      return v.value ? "True" : "False";
    case "NullValue":
      return "None";
    case "UndefinedValue":
      return "";
    case "IntegerValue":
      return String(v.value);
    case "FloatValue":
      return pyFloat(v.value);
    case "ArrayValue":
      return `[${(v.value as RuntimeValue[]).map(pyRepr).join(", ")}]`;
    case "TupleValue": {
      const items = (v.value as RuntimeValue[]).map(pyRepr);
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    }
    case "ObjectValue":
    case "KeywordArgumentsValue":
      return `{${[...(v.value as Map<string, RuntimeValue>)].map(([k, x]) => `${quote(k)}: ${pyRepr(x)}`).join(", ")}}`;
    default:
      return v.toString();
  }
}

/** Python's `repr(value)`: strings quoted, everything else as `str`. */
export function pyRepr(v: RuntimeValue): string {
  return v.type === "StringValue" ? quote(v.value) : pyStr(v);
}

/** Python's string repr: single quotes unless the text has ' and no ". */
function quote(text: string): string {
  const q = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === q || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + q;
}

/** Options of transformers' `tojson` filter (the arguments of `json.dumps`). */
export interface JsonOptions {
  indent: number | string | null;
  ensureAscii: boolean;
  separators: [string, string] | null;
  sortKeys: boolean;
}

/** Python's `json.dumps(value, ensure_ascii, indent, separators, sort_keys)`. */
export function pyJson(v: RuntimeValue, opts: JsonOptions, depth = 0): string {
  const indent = typeof opts.indent === "number" ? " ".repeat(opts.indent) : opts.indent;
  const [itemSep, keySep] = opts.separators ?? (indent === null ? [", ", ": "] : [",", ": "]);
  const open = indent === null ? "" : `\n${indent.repeat(depth + 1)}`;
  const close = indent === null ? "" : `\n${indent.repeat(depth)}`;
  const join = (items: string[], l: string, r: string) =>
    items.length === 0 ? l + r : `${l}${open}${items.join(itemSep + open)}${close}${r}`;
  switch (v.type) {
    case "StringValue":
      return jsonString(v.value, opts.ensureAscii);
    case "BooleanValue":
      return v.value ? "true" : "false";
    case "NullValue":
    case "UndefinedValue":
      return "null";
    case "IntegerValue":
      return String(v.value);
    case "FloatValue":
      return Number.isNaN(v.value)
        ? "NaN"
        : Number.isFinite(v.value)
          ? pyFloat(v.value)
          : v.value > 0
            ? "Infinity"
            : "-Infinity";
    case "ArrayValue":
    case "TupleValue":
      return join(
        (v.value as RuntimeValue[]).map((x) => pyJson(x, opts, depth + 1)),
        "[",
        "]",
      );
    case "ObjectValue":
    case "KeywordArgumentsValue": {
      let entries = [...(v.value as Map<string, RuntimeValue>)];
      if (opts.sortKeys) entries = entries.sort(([a], [b]) => compareCodePoints(a, b));
      const items = entries.map(
        ([k, x]) => jsonString(k, opts.ensureAscii) + keySep + pyJson(x, opts, depth + 1),
      );
      return join(items, "{", "}");
    }
    default:
      throw new TypeError(`Object of type ${v.type} is not JSON serializable`);
  }
}

function jsonString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const c = text.charCodeAt(i);
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || (ensureAscii && c > 0x7f)) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
