// Response assembly from scripted generation streams: reasoning/content split, tool calls (whole and
// streamed), finish reasons, request-side message mapping and tool_choice.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { GenerateStep } from "../../src/decoding/index.js";
import { ChatFormat } from "../../src/server/chat-format.js";
import { activeTools, templateMessages } from "../../src/server/chat-messages.js";
import { ChatOutput } from "../../src/server/chat-output.js";
import type { ApiError } from "../../src/server/errors.js";
import type { RioTokenizer } from "../../src/tokenizer/index.js";

const weather = {
  type: "function" as const,
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};
const clock = { type: "function" as const, function: { name: "get_time" } };

const step = (text: string, index = 0): GenerateStep => ({
  index,
  tokenId: 0,
  text,
  mode: "explicit",
  fed: "token",
  entropy: null,
  refEntropy: null,
  switched: null,
  forced: false,
});

/** Feeds the pieces and merges the streamed deltas. */
function stream(out: ChatOutput, pieces: string[]) {
  const merged = { reasoning_content: "", content: "", tool_calls: [] as unknown[] };
  for (const delta of [...pieces.map((p) => out.push(p)), out.finish()]) {
    merged.reasoning_content += delta.reasoning_content ?? "";
    merged.content += delta.content ?? "";
    merged.tool_calls.push(...(delta.tool_calls ?? []));
  }
  return merged;
}

test("reasoning and answer are split, with tags cut across pieces", () => {
  const out = new ChatOutput({ startsInReasoning: false, toolFormat: "json" });
  const merged = stream(out, ["<th", "ink>\nLet me", " think.</th", "ink>\n\nIt is 4."]);
  assert.equal(merged.reasoning_content, "\nLet me think.");
  assert.equal(merged.content, "\n\nIt is 4.");
  assert.deepEqual(merged.tool_calls, []);
  assert.equal(out.message.content, merged.content);
});

test("a prompt that opened the think block makes the output reasoning until </think>", () => {
  const merged = stream(new ChatOutput({ startsInReasoning: true, toolFormat: "json" }), [
    "hm",
    "m</think>ok",
  ]);
  assert.deepEqual([merged.reasoning_content, merged.content], ["hmm", "ok"]);
});

test("a JSON tool call streamed token by token comes back as one tool_calls delta", () => {
  const out = new ChatOutput({ startsInReasoning: false, toolFormat: "json", tools: [weather] });
  const text =
    '<think>\ncall it\n</think>\n\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';
  const deltas = [...Array.from(text, (ch) => out.push(ch)), out.finish()];
  const calls = deltas.filter((d) => d.tool_calls);
  assert.equal(calls.length, 1);
  const call = calls[0].tool_calls?.[0];
  assert.equal(call?.index, 0);
  assert.equal(call?.type, "function");
  assert.match(call?.id ?? "", /^call_[0-9a-f]{24}$/);
  assert.deepEqual(call?.function, { name: "get_weather", arguments: '{"city":"Paris"}' });
  assert.equal(out.message.content.trim(), "");
  assert.equal(out.message.reasoning_content, "\ncall it\n");
});

test("without tools, <tool_call> text stays content; a malformed call stays content too", () => {
  const plain = stream(new ChatOutput({ startsInReasoning: false, toolFormat: "json" }), [
    '<tool_call>{"name": "f"}</tool_call>',
  ]);
  assert.equal(plain.content, '<tool_call>{"name": "f"}</tool_call>');
  const broken = stream(new ChatOutput({ startsInReasoning: false, toolFormat: "json", tools: [weather] }), [
    "<tool_call>not json</tool_call> after",
  ]);
  assert.equal(broken.content, "<tool_call>not json</tool_call> after");
  assert.deepEqual(broken.tool_calls, []);
});

test("ChatFormat: finish_reason tool_calls, null content, streamed and whole agree", () => {
  const tokenizer = {} as RioTokenizer; // not used without logprobs
  const format = new ChatFormat({
    tokenizer,
    startsInReasoning: false,
    toolFormat: "json",
    tools: [weather, clock],
    logprobs: false,
    modes: true,
  });
  assert.deepEqual(format.opening(), { delta: { role: "assistant", content: "" } });
  const pieces = [
    "<tool_call>\n",
    '{"name": "get_time", "arguments": {}}',
    "\n</tool_call>\n",
    "<tool_call>\n",
    '{"name": "get_weather", "arguments": {"city": "Oslo"}}',
    "\n</tool_call>",
  ];
  const chunks = pieces.map((p, i) => format.step(step(p, i)));
  const end = format.finish("eos");
  assert.equal(end.finishReason, "tool_calls");
  const streamed = [...chunks, end.fields].flatMap(
    (c) => ((c?.delta as { tool_calls?: unknown[] })?.tool_calls ?? []) as { index: number }[],
  );
  assert.deepEqual(
    streamed.map((c) => c.index),
    [0, 1],
  );
  const whole = format.whole() as {
    message: { content: string | null; tool_calls: unknown[] };
    rio: { modes: string[] };
  };
  assert.equal(whole.message.content, null);
  assert.deepEqual(whole.message.tool_calls, streamed);
  assert.equal(whole.rio.modes.length, pieces.length);
});

test("ChatFormat: finish reasons for eos, stop strings, length and the answer budget", () => {
  const reason = (r: "eos" | "stop" | "length" | "answer_budget") =>
    new ChatFormat({
      tokenizer: {} as RioTokenizer,
      startsInReasoning: false,
      toolFormat: "json",
      logprobs: false,
      modes: false,
    }).finish(r).finishReason;
  assert.deepEqual(
    ["eos", "stop", "length", "answer_budget"].map((r) => reason(r as "eos")),
    ["stop", "stop", "length", "length"],
  );
});

test("templateMessages maps null content, parts, developer role and tool history", () => {
  const messages = templateMessages([
    {
      role: "developer",
      content: [
        { type: "text", text: "be " },
        { type: "text", text: "brief" },
      ],
    },
    { role: "user", content: "weather?" },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      ],
    },
    { role: "tool", content: "sunny", tool_call_id: "call_1" },
  ]);
  assert.deepEqual(messages[0], { role: "system", content: "be brief" });
  assert.equal(messages[2].content, "");
  assert.deepEqual(messages[2].tool_calls?.[0].function, {
    name: "get_weather",
    arguments: '{"city":"Paris"}',
  });
  assert.equal(messages[3].tool_call_id, "call_1");
});

test("activeTools follows tool_choice", () => {
  const tools = [weather, clock];
  assert.equal(activeTools({ tools, tool_choice: "none" }), undefined);
  assert.deepEqual(activeTools({ tools, tool_choice: "auto" }), tools);
  assert.deepEqual(activeTools({ tools, tool_choice: "required" }), tools);
  assert.deepEqual(
    activeTools({ tools, tool_choice: { type: "function", function: { name: "get_time" } } }),
    [clock],
  );
  assert.throws(
    () => activeTools({ tools, tool_choice: { type: "function", function: { name: "nope" } } }),
    (e: ApiError) => e.status === 400 && e.param === "tool_choice.function.name",
  );
  assert.throws(
    () => activeTools({ tools: [], tool_choice: "required" }),
    (e: ApiError) => e.status === 400,
  );
});
