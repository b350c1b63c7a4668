// Streamed tool-call arguments: for Qwen3 JSON and Qwen3.5 XML calls fed token by token and in random
// chunks, the call_arguments pieces of each call join to its argumentsJson, which parses to the arguments;
// the name comes first, and the arguments stream as they are written rather than at the end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ToolCallParser, type ToolCallParserOptions } from "../../src/tokenizer/index.js";

/** Deterministic random chunkings of `text` (by code point, as detokenised text arrives). */
function chunkings(text: string, count: number, seed = 1): string[][] {
  const chars = Array.from(text);
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const out: string[][] = [[text], chars];
  for (let n = 0; n < count; n++) {
    const parts: string[] = [];
    for (let i = 0; i < chars.length; ) {
      const size = 1 + Math.floor(random() * 12);
      parts.push(chars.slice(i, i + size).join(""));
      i += size;
    }
    out.push(parts);
  }
  return out;
}

interface Streamed {
  names: string[];
  /** Per call: the pieces as they came. */
  pieces: string[][];
  /** Per call: the whole call's argumentsJson. */
  whole: string[];
  parsed: unknown[];
}

function run(opts: ToolCallParserOptions, parts: string[]): Streamed {
  const parser = new ToolCallParser(opts);
  const out: Streamed = { names: [], pieces: [], whole: [], parsed: [] };
  for (const event of [...parts.flatMap((p) => parser.feed(p)), ...parser.finish()]) {
    if (event.kind === "call_start") {
      assert.equal(event.index, out.names.length);
      out.names.push(event.name);
      out.pieces.push([]);
    } else if (event.kind === "call_arguments") {
      assert.equal(out.whole.length, event.index, "pieces only for the open call");
      out.pieces[event.index].push(event.text);
    } else if (event.kind === "tool_call") {
      out.whole.push(event.call.argumentsJson);
      out.parsed.push(event.call.arguments);
    } else if (event.kind === "error") assert.fail(event.message);
  }
  return out;
}

function checkStream(opts: ToolCallParserOptions, text: string, expected: { name: string; args: unknown }[]) {
  const tokenwise = run(opts, Array.from(text));
  assert.deepEqual(
    tokenwise.names,
    expected.map((e) => e.name),
  );
  assert.deepEqual(
    tokenwise.parsed,
    expected.map((e) => e.args),
  );
  for (const [i, pieces] of tokenwise.pieces.entries()) {
    assert.equal(pieces.join(""), tokenwise.whole[i]);
    assert.deepEqual(JSON.parse(tokenwise.whole[i]), expected[i].args);
  }
  for (const parts of chunkings(text, 60)) {
    const streamed = run(opts, parts);
    assert.deepEqual(streamed.whole, tokenwise.whole, JSON.stringify(parts));
    assert.deepEqual(
      streamed.pieces.map((p) => p.join("")),
      streamed.whole,
      JSON.stringify(parts),
    );
  }
  return tokenwise;
}

const jsonCall = (body: string) => `<tool_call>\n${body}\n</tool_call>`;

test("Qwen3 JSON: argument pieces join to the model's arguments text less whitespace, call by call", () => {
  const search = {
    query: 'say "hi"\\ \n\tthere é 日本 🎉',
    filters: { range: [1, 2.5, -3e2], nested: { deep: [{ a: null, b: true }], empty: {} } },
    note: "braces } { and ] [ in a string",
  };
  const text =
    "Let me look.\n" +
    jsonCall(`{"name": "search", "arguments": ${JSON.stringify(search, null, 2)}}`) +
    "\n" +
    jsonCall('{"name": "get_time", "arguments": {}}') +
    "\n" +
    jsonCall('{"arguments": {"tz":  "UTC"}, "name": "late_name"}') +
    jsonCall('{"name": "encoded", "arguments": "{\\"x\\": [1, 2]}"}') +
    jsonCall('{"name": "no_args"}');
  const streamed = checkStream({ format: "json" }, text, [
    { name: "search", args: search },
    { name: "get_time", args: {} },
    { name: "late_name", args: { tz: "UTC" } },
    { name: "encoded", args: { x: [1, 2] } },
    { name: "no_args", args: {} },
  ]);
  assert.deepEqual(streamed.whole, [JSON.stringify(search), "{}", '{"tz":"UTC"}', '{"x":[1,2]}', "{}"]);
  assert.ok(streamed.pieces[0].length > 50, "the arguments stream as they are written");
});

test("Qwen3 JSON: escapes stay as the model wrote them; the text still parses to the arguments", () => {
  const text = jsonCall('{"name": "f", "arguments": {"s": "caf\\u00e9 \\"q\\" \\/", "n": 1.50}}');
  const [whole] = checkStream({ format: "json" }, text, [
    { name: "f", args: { s: 'café "q" /', n: 1.5 } },
  ]).whole;
  assert.equal(whole, '{"s":"caf\\u00e9 \\"q\\" \\/","n":1.50}');
});

const TOOLS = [
  {
    type: "function",
    function: {
      name: "edit",
      parameters: {
        type: "object",
        properties: {
          path: { type: "string" },
          text: { type: "string" },
          line: { type: "integer" },
          options: { type: "object" },
          ratio: { type: "number" },
          maybe: { type: ["string", "null"] },
        },
      },
    },
  },
];

const xmlCall = (name: string, params: [string, string][]) =>
  `<tool_call>\n<function=${name}>\n${params.map(([k, v]) => `<parameter=${k}>\n${v}\n</parameter>\n`).join("")}</function>\n</tool_call>`;

test("Qwen3.5 XML: string values stream escaped, typed values when whole; pieces join to the arguments", () => {
  const code = 'if (a < b) {\n  print("</param> \\\\ é 🎉")\n}\n';
  const text =
    "Editing.\n" +
    xmlCall("edit", [
      ["path", "src/main.py"],
      ["text", code],
      ["line", "42"],
      ["options", '{"dry": false, "tags": ["a", {"b": "c"}]}'],
      ["ratio", "0.25"],
      ["maybe", "null"],
      ["extra", "nullable"],
    ]) +
    "\n" +
    xmlCall("edit", []) +
    xmlCall("other", [["x", "NULL"]]);
  const streamed = checkStream({ format: "xml", tools: TOOLS }, text, [
    {
      name: "edit",
      args: {
        path: "src/main.py",
        text: code,
        line: 42,
        options: { dry: false, tags: ["a", { b: "c" }] },
        ratio: 0.25,
        maybe: null,
        extra: "nullable",
      },
    },
    { name: "edit", args: {} },
    { name: "other", args: { x: null } },
  ]);
  assert.ok(
    streamed.pieces[0].length > code.length / 2,
    "a string value streams character by character, not at its closing tag",
  );
  assert.equal(streamed.whole[1], "{}");
});
