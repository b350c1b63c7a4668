import assert from "node:assert/strict";
import { test } from "node:test";
import { ToolCallParser, type ToolCallParserOptions } from "../../src/tokenizer/index.js";
import { runParser, splits } from "./stream-harness.js";

const TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string" },
          days: { type: "integer" },
          ratio: { type: "number" },
          metric: { type: "boolean" },
          filters: { type: "object" },
          tags: { type: ["array", "null"] },
          note: {},
        },
      },
    },
  },
];

function check(opts: ToolCallParserOptions, text: string, expected: unknown[]): void {
  const whole = runParser(new ToolCallParser(opts), [text]);
  assert.deepEqual(whole, expected);
  for (const parts of splits(text)) {
    assert.deepEqual(runParser(new ToolCallParser(opts), parts), whole, JSON.stringify(parts));
  }
}

/** A call's events: started by name, its arguments' JSON text (merged), then the whole call. */
const call = (index: number, name: string, args: Record<string, unknown>) => [
  { kind: "call_start", index, name },
  { kind: "call_arguments", index, text: JSON.stringify(args) },
  { kind: "tool_call", index, call: { name, arguments: args, argumentsJson: JSON.stringify(args) } },
];

test("Qwen3 JSON: text, two calls, streaming equals whole", () => {
  const text =
    'Checking.\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "São Paulo", "days": 2}}\n</tool_call>\n' +
    '<tool_call>\n{"name": "get_time", "arguments": "{\\"tz\\": \\"UTC\\"}"}\n</tool_call>';
  check({ format: "json" }, text, [
    { kind: "text", text: "Checking.\n" },
    ...call(0, "get_weather", { city: "São Paulo", days: 2 }),
    { kind: "text", text: "\n" },
    ...call(1, "get_time", { tz: "UTC" }),
  ]);
});

test("Qwen3 JSON: malformed calls are text plus an error; once started by name, an error that ends them", () => {
  const bad = '<tool_call>\n{"name": "f", "arguments": {oops}\n</tool_call>';
  const text = `${bad} then <tool_call>\n{"name": "g"}`;
  const events = runParser(new ToolCallParser({ format: "json" }), [text]);
  assert.deepEqual(
    events.map((e) => [e.kind, "index" in e ? e.index : undefined]),
    [
      ["call_start", 0],
      ["call_arguments", 0],
      ["error", 0],
      ["text", undefined],
      ["call_start", 1],
      ["error", 1],
    ],
  );
  assert.deepEqual(events[1], { kind: "call_arguments", index: 0, text: "{oops}" });
  assert.equal((events[2] as { text: string }).text, bad);
  assert.deepEqual(events[3], { kind: "text", text: " then " });
  for (const parts of splits(text)) {
    assert.deepEqual(runParser(new ToolCallParser({ format: "json" }), parts), events);
  }
  for (const body of ['{"arguments": {}}', "not json", '{"name": 3}', '{"name": "f", "name": "g"}']) {
    const raw = `<tool_call>${body}</tool_call>`;
    const events = runParser(new ToolCallParser({ format: "json" }), [raw]);
    assert.deepEqual(
      events.map((e) => e.kind),
      body.includes('name": "f') ? ["call_start", "error"] : ["text", "error"],
      body,
    );
  }
});

test("Qwen3 JSON: a partial start tag that never completes is text", () => {
  check({ format: "json" }, "a <tool_ca", [{ kind: "text", text: "a <tool_ca" }]);
  check({ format: "json" }, "<tool>x</tool>", [{ kind: "text", text: "<tool>x</tool>" }]);
});

test("Qwen3.5 XML: values typed by the tool schema, several calls", () => {
  const text =
    "<tool_call>\n<function=get_weather>\n<parameter=city>\nRio de Janeiro\n</parameter>\n" +
    "<parameter=days>\n3\n</parameter>\n<parameter=ratio>\n0.5\n</parameter>\n<parameter=metric>\nTrue\n</parameter>\n" +
    '<parameter=filters>\n{"rain": true}\n</parameter>\n<parameter=tags>\n["a", "b"]\n</parameter>\n' +
    "<parameter=note>\nline 1\n\n  line 2\n</parameter>\n<parameter=extra>\n42\n</parameter>\n</function>\n</tool_call>" +
    "\n<tool_call>\n<function=get_weather>\n<parameter=city>\nnull\n</parameter>\n<parameter=days>\nmany\n</parameter>\n" +
    "</function>\n</tool_call>";
  check({ format: "xml", tools: TOOLS }, text, [
    ...call(0, "get_weather", {
      city: "Rio de Janeiro",
      days: 3,
      ratio: 0.5,
      metric: true,
      filters: { rain: true },
      tags: ["a", "b"],
      note: "line 1\n\n  line 2",
      extra: "42",
    }),
    { kind: "text", text: "\n" },
    ...call(1, "get_weather", { city: null, days: "many" }),
  ]);
});

test("Qwen3.5 XML: malformed bodies are reported, not dropped", () => {
  for (const [body, kinds] of [
    ["\n<function=f>\n<parameter=a>\n1\n</function>\n", ["call_start", "call_arguments", "error"]],
    ["\nno function\n", ["text", "error"]],
    ["<function=f>x</function>", ["call_start", "error"]],
    ["<function=f>\n</function> x", ["call_start", "error"]],
    ["<function=\nf>\n</function>", ["text", "error"]],
  ] as const) {
    const text = `<tool_call>${body}</tool_call>`;
    const events = runParser(new ToolCallParser({ format: "xml" }), [text]);
    assert.deepEqual(
      events.map((e) => e.kind),
      kinds,
      body,
    );
    const error = events.at(-1) as { text: string };
    assert.equal(error.text, text);
  }
});
