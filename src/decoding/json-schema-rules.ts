/**
 * @module The fixed GBNF rules a JSON schema's grammar is built from (JSON values, string formats) and the
 * integer-range and repetition builders. Adapted from llama.cpp's `examples/json_schema_to_grammar.py`
 * (MIT, Copyright (c) 2023-2026 The ggml authors), with changes so that every document a grammar allows
 * validates under a standard validator (ajv with ajv-formats): `\u` escapes exclude surrogates (so a
 * string's length in the grammar is its length in code points), exponents have at most two digits (no
 * number parses to Infinity), and dates follow the calendar (no February 30; February 29 in leap years).
 */

/** A fixed rule and the fixed rules its body names. */
interface FixedRule {
  body: string;
  deps: readonly string[];
}

const HEX = "[0-9a-fA-F]";
/** The fixed rules by name. */
export const FIXED_RULES: Readonly<Record<string, FixedRule>> = {
  // whitespace bounded so a model cannot pad forever
  space: { body: String.raw`| " " | "\n"{1,2} [ \t]{0,20}`, deps: [] },
  boolean: { body: `("true" | "false")`, deps: [] },
  null: { body: `"null"`, deps: [] },
  "integral-part": { body: "[0] | [1-9] [0-9]{0,15}", deps: [] },
  "decimal-part": { body: "[0-9]{1,16}", deps: [] },
  number: {
    body: `("-"? integral-part) ("." decimal-part)? ([eE] [-+]? [0-9]{1,2})?`,
    deps: ["integral-part", "decimal-part"],
  },
  "non-negative-number": {
    body: `integral-part ("." decimal-part)? ([eE] [-+]? [0-9]{1,2})?`,
    deps: ["integral-part", "decimal-part"],
  },
  integer: { body: `("-"? integral-part)`, deps: ["integral-part"] },
  char: {
    body: String.raw`[^"\\\x7F\x00-\x1F] | [\\] (["\\/bfnrt] | "u" ( [0-9a-cA-Ce-fE-F] ${HEX}{3} | [dD] [0-7] ${HEX}{2} ))`,
    deps: [],
  },
  string: { body: String.raw`"\"" char* "\""`, deps: ["char"] },
  value: {
    body: "object | array | string | number | boolean | null",
    deps: ["object", "array", "string", "number", "boolean", "null"],
  },
  object: {
    body: `"{" space ( string ":" space value ("," space string ":" space value)* )? space "}"`,
    deps: ["space", "string", "value"],
  },
  array: { body: `"[" space ( value ("," space value)* )? space "]"`, deps: ["space", "value"] },
  uuid: {
    body: String.raw`"\"" ${HEX}{8} "-" ${HEX}{4} "-" ${HEX}{4} "-" ${HEX}{4} "-" ${HEX}{12} "\""`,
    deps: [],
  },
  // a leap year: divisible by 4, and by 400 when it ends in 00
  "leap-year": {
    body: `[0-9]{2} ( "0" [48] | [2468] [048] | [13579] [26] ) | ( [02468] [048] | [13579] [26] ) "00"`,
    deps: [],
  },
  date: {
    body: [
      `[0-9]{4} "-" ( ( "0" [13578] | "1" [02] ) "-" ( "0" [1-9] | [12] [0-9] | "3" [01] )`,
      `| ( "0" [469] | "11" ) "-" ( "0" [1-9] | [12] [0-9] | "30" )`,
      `| "02-" ( "0" [1-9] | "1" [0-9] | "2" [0-8] ) )`,
      `| leap-year "-02-29"`,
    ].join(" "),
    deps: ["leap-year"],
  },
  time: {
    body: `([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{3} )? ( "Z" | ( "+" | "-" ) ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] )`,
    deps: [],
  },
  "date-time": { body: `date "T" time`, deps: ["date", "time"] },
  "date-string": { body: String.raw`"\"" date "\""`, deps: ["date"] },
  "time-string": { body: String.raw`"\"" time "\""`, deps: ["time"] },
  "date-time-string": { body: String.raw`"\"" date-time "\""`, deps: ["date-time"] },
};

/** The string formats a grammar enforces, and the fixed rule of each. */
export const FORMAT_RULES: Readonly<Record<string, string>> = {
  date: "date-string",
  time: "time-string",
  "date-time": "date-time-string",
  uuid: "uuid",
};

/**
 * `item` repeated min..max times (max undefined: unbounded), `separator` between repetitions.
 * @example
 * repetition("x", 1, 3, '","'); // 'x ("," x){0,2}'
 */
export function repetition(item: string, min: number, max: number | undefined, separator?: string): string {
  if (max === 0) return "";
  if (min === 0 && max === 1) return `${item}?`;
  if (!separator) {
    if (min === 1 && max === undefined) return `${item}+`;
    if (min === 0 && max === undefined) return `${item}*`;
    return `${item}{${min},${max ?? ""}}`;
  }
  const rest = repetition(
    `(${separator} ${item})`,
    Math.max(min - 1, 0),
    max === undefined ? undefined : max - 1,
  );
  const once = `${item} ${rest}`;
  return min === 0 ? `(${once})?` : once;
}

/**
 * A GBNF expression of the integers from `min` to `max` (either may be undefined: unbounded), written as
 * JSON writes them (no leading zeros, at most 16 digits). A port of llama.cpp's `_generate_min_max_int`.
 * @example
 * integerRange(0, 255); // "([0-9] | [1-9] [0-9] | ...)"
 */
export function integerRange(min: number | undefined, max: number | undefined): string {
  const out: string[] = ["("];
  minMaxInt(min, max, out, 16, true);
  out.push(")");
  return out.join("");
}

function minMaxInt(
  minValue: number | undefined,
  maxValue: number | undefined,
  out: string[],
  decimalsLeft: number,
  topLevel: boolean,
): void {
  const digitRange = (from: string, to: string) => out.push("[", from === to ? from : `${from}-${to}`, "]");
  const moreDigits = (minDigits: number, maxDigits: number) => {
    out.push("[0-9]");
    if (minDigits === maxDigits && minDigits === 1) return;
    out.push("{", String(minDigits));
    if (maxDigits !== minDigits) out.push(",", Number.isFinite(maxDigits) ? String(maxDigits) : "");
    out.push("}");
  };
  const next = (c: string, by: number) => String.fromCharCode(c.charCodeAt(0) + by);
  const uniformRange = (from: string, to: string) => {
    let i = 0;
    while (i < from.length && from[i] === to[i]) i++;
    if (i > 0) out.push('"', from.slice(0, i), '"');
    if (i >= from.length) return;
    if (i > 0) out.push(" ");
    const subLen = from.length - i - 1;
    if (subLen === 0) {
      out.push("[", from[i], "-", to[i], "]");
      return;
    }
    const fromSub = from.slice(i + 1);
    const toSub = to.slice(i + 1);
    const zeros = "0".repeat(subLen);
    const nines = "9".repeat(subLen);
    let toReached = false;
    out.push("(");
    if (fromSub === zeros) {
      digitRange(from[i], next(to[i], -1));
      out.push(" ");
      moreDigits(subLen, subLen);
    } else {
      out.push("[", from[i], "] (");
      uniformRange(fromSub, nines);
      out.push(")");
      if (from.charCodeAt(i) < to.charCodeAt(i) - 1) {
        out.push(" | ");
        if (toSub === nines) {
          digitRange(next(from[i], 1), to[i]);
          toReached = true;
        } else digitRange(next(from[i], 1), next(to[i], -1));
        out.push(" ");
        moreDigits(subLen, subLen);
      }
    }
    if (!toReached) {
      out.push(" | ");
      digitRange(to[i], to[i]);
      out.push(" ");
      uniformRange(zeros, toSub);
    }
    out.push(")");
  };

  if (minValue !== undefined && maxValue !== undefined) {
    if (minValue < 0 && maxValue < 0) {
      out.push('"-" (');
      minMaxInt(-maxValue, -minValue, out, decimalsLeft, true);
      out.push(")");
      return;
    }
    if (minValue < 0) {
      out.push('"-" (');
      minMaxInt(0, -minValue, out, decimalsLeft, true);
      out.push(") | ");
      minValue = 0;
    }
    let minS = String(minValue);
    const maxS = String(maxValue);
    for (let digits = minS.length; digits < maxS.length; digits++) {
      uniformRange(minS, "9".repeat(digits));
      minS = `1${"0".repeat(digits)}`;
      out.push(" | ");
    }
    uniformRange(minS, maxS);
    return;
  }
  const lessDecimals = Math.max(decimalsLeft - 1, 1);
  if (minValue !== undefined) {
    if (minValue < 0) {
      out.push('"-" (');
      minMaxInt(undefined, -minValue, out, decimalsLeft, false);
      out.push(") | [0] | [1-9] ");
      moreDigits(0, decimalsLeft - 1);
    } else if (minValue === 0) {
      if (topLevel) {
        out.push("[0] | [1-9] ");
        moreDigits(0, lessDecimals);
      } else moreDigits(1, decimalsLeft);
    } else if (minValue <= 9) {
      const c = String(minValue);
      const rangeStart = topLevel ? "1" : "0";
      if (c > rangeStart) {
        digitRange(rangeStart, next(c, -1));
        out.push(" ");
        moreDigits(1, lessDecimals);
        out.push(" | ");
      }
      digitRange(c, "9");
      out.push(" ");
      moreDigits(0, lessDecimals);
    } else {
      const minS = String(minValue);
      const c = minS[0];
      if (c > "1") {
        digitRange(topLevel ? "1" : "0", next(c, -1));
        out.push(" ");
        moreDigits(minS.length, lessDecimals);
        out.push(" | ");
      }
      digitRange(c, c);
      out.push(" (");
      minMaxInt(Number(minS.slice(1)), undefined, out, lessDecimals, false);
      out.push(")");
      if (c < "9") {
        out.push(" | ");
        digitRange(next(c, 1), "9");
        out.push(" ");
        moreDigits(minS.length - 1, lessDecimals);
      }
    }
    return;
  }
  if (maxValue === undefined) throw new Error("integerRange needs a minimum or a maximum");
  if (maxValue >= 0) {
    if (topLevel) {
      out.push('"-" [1-9] ');
      moreDigits(0, lessDecimals);
      out.push(" | ");
    }
    minMaxInt(0, maxValue, out, decimalsLeft, true);
  } else {
    out.push('"-" (');
    minMaxInt(-maxValue, undefined, out, decimalsLeft, false);
    out.push(")");
  }
}
