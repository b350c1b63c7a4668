// The Responses API's pure pieces: input items to template messages (one assistant turn from several
// items), chat deltas to output items and their events, and the grammar of a forced tool call.
import assert from "node:assert/strict";
import { test } from "node:test";
import { answerGrammar, toolCallGrammar } from "../../src/server/answer-grammar.js";
import type { ApiError } from "../../src/server/errors.js";
import { templateMessagesFromItems } from "../../src/server/responses/conversation.js";
import { ResponseOutput } from "../../src/server/responses/output.js";

const call = (id: string, name: string) => ({
  id,
  type: "function" as const,
  function: { name, arguments: "{}" },
});

test("items become template messages: one assistant turn from reasoning, message and calls", () => {
  const messages = templateMessagesFromItems(
    [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Be brief." }] },
      { type: "message", role: "user", content: "time in Paris and Rome?" },
      { type: "reasoning", summary: [], content: [{ text: "two calls" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
      { type: "function_call", call_id: "c1", name: "get_time", arguments: "{}" },
      { type: "function_call", call_id: "c2", name: "get_time", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: "12:00" },
      { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "12:00" }] },
      { type: "function_call", call_id: "c3", name: "get_date", arguments: "{}" },
    ],
    "You are Rio.",
  );
  assert.deepEqual(messages, [
    { role: "system", content: "You are Rio." },
    { role: "system", content: "Be brief." },
    { role: "user", content: "time in Paris and Rome?" },
    {
      role: "assistant",
      content: "Checking.",
      reasoning_content: "two calls",
      tool_calls: [call("c1", "get_time"), call("c2", "get_time")],
    },
    { role: "tool", content: "12:00", tool_call_id: "c1" },
    { role: "tool", content: "12:00", tool_call_id: "c2" },
    { role: "assistant", content: "", tool_calls: [call("c3", "get_date")] },
  ]);
});

test("output items: reasoning, then the answer without the blank line before it, then calls", () => {
  const out = new ResponseOutput();
  const events = [
    ...out.push({ reasoning_content: "hm" }),
    ...out.push({ content: "\n\n" }),
    ...out.push({ content: "Hi" }),
    ...out.push({
      tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    }),
    ...out.push({ content: "\n" }),
    ...out.finish(true),
  ];
  assert.deepEqual(
    out.items.map((item) => [item.type, item.status]),
    [
      ["reasoning", "completed"],
      ["message", "completed"],
      ["function_call", "completed"],
    ],
  );
  assert.deepEqual(out.items[1].type === "message" && out.items[1].content[0].text, "Hi");
  assert.deepEqual(
    events.map((e) => [e.type, e.output_index]),
    [
      ["response.output_item.added", 0],
      ["response.content_part.added", 0],
      ["response.reasoning_text.delta", 0],
      ["response.reasoning_text.done", 0],
      ["response.content_part.done", 0],
      ["response.output_item.done", 0],
      ["response.output_item.added", 1],
      ["response.content_part.added", 1],
      ["response.output_text.delta", 1],
      ["response.output_text.done", 1],
      ["response.content_part.done", 1],
      ["response.output_item.done", 1],
      ["response.output_item.added", 2],
      ["response.function_call_arguments.delta", 2],
      ["response.function_call_arguments.done", 2],
      ["response.output_item.done", 2],
    ],
  );
  const cut = new ResponseOutput();
  cut.push({ content: "Hel" });
  cut.finish(true);
  assert.equal(cut.items[0].status, "incomplete", "the item the token limit cut");
});

test("a forced call gets a grammar up to </tool_call> (JSON and XML); free answers get none, unless a function is strict", () => {
  const tools = [
    { type: "function" as const, function: { name: "get_time" } },
    { type: "function" as const, function: { name: 'say "hi"' } },
  ];
  const shape = { format: undefined, formatField: "text.format", tools, toolFormat: "json" as const };
  const named = answerGrammar({ ...shape, toolChoice: { type: "function", function: { name: "get_time" } } });
  assert.match(named ?? "", /^root ::= \( get-time-arguments \) "}" "\\n"\? "<\/tool_call>"$/m);
  const required = answerGrammar({ ...shape, toolChoice: "required" });
  assert.ok(
    required?.includes(
      String.raw`( "get_time\", \"arguments\": " get-time-arguments | "say \\\"hi\\\"\", \"arguments\": " say-hi--arguments )`,
    ),
    required,
  );
  assert.equal(answerGrammar({ ...shape, toolChoice: "auto" }), undefined);
  const xml = answerGrammar({ ...shape, toolChoice: "required", toolFormat: "xml" });
  assert.match(
    xml ?? "",
    /^root ::= \( "get_time>\\n" get-time-xml-params \| .* \) "<\/function>\\n<\/tool_call>"$/m,
  );
  // under "auto" only a strict function brings a grammar, applied to each call the model opens
  assert.equal(toolCallGrammar({ ...shape, toolChoice: "auto" }), undefined);
  const strict = [{ type: "function" as const, function: { name: "get_time", strict: true } }];
  assert.match(toolCallGrammar({ ...shape, tools: strict, toolChoice: "auto" }) ?? "", /"<\/tool_call>"$/m);
  assert.equal(toolCallGrammar({ ...shape, tools: strict, toolChoice: "required" }), undefined);
  assert.throws(
    () => answerGrammar({ ...shape, format: "json_object", toolChoice: "required" }),
    (e: ApiError) => e.status === 400 && e.param === "text.format",
  );
});
