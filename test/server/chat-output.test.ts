// Response assembly from scripted generation streams: reasoning/content split, tool calls (whole and
// streamed), finish reasons, request-side message mapping and tool_choice.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { GenerateStep } from "../../src/decoding/index.js";
import { ChatFormat } from "../../src/server/chat-format.js";
import { activeTools, templateMessages } from "../../src/server/chat-messages.js";
import {
  type ChatDelta,
  ChatOutput,
  type ResponseToolCall,
  type ToolCallDelta,
} from "../../src/server/chat-output.js";
import type { ApiError } from "../../src/server/errors.js";
import { ResponseFormat } from "../../src/server/responses/format.js";
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

/** Joins streamed tool call pieces as OpenAI clients do: by index, arguments concatenated. */
function joinCalls(pieces: ToolCallDelta[], into: ResponseToolCall[] = []): ResponseToolCall[] {
  for (const piece of pieces) {
    if (piece.id !== undefined) {
      assert.equal(piece.index, into.length, "a call's first piece opens the next index");
      assert.equal(piece.function.arguments, "", "the first piece has the name and no arguments");
      into.push({
        index: piece.index,
        id: piece.id,
        type: "function",
        function: { name: piece.function.name ?? "", arguments: "" },
      });
    } else into[piece.index].function.arguments += piece.function.arguments;
  }
  return into;
}

/** Feeds the pieces and merges the streamed deltas. */
function stream(out: ChatOutput, pieces: string[]) {
  const merged = { reasoning_content: "", content: "", tool_calls: [] as ResponseToolCall[] };
  for (const delta of [...pieces.map((p) => out.push(p)), out.finish()]) {
    merged.reasoning_content += delta.reasoning_content ?? "";
    merged.content += delta.content ?? "";
    joinCalls(delta.tool_calls ?? [], merged.tool_calls);
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

test("a JSON tool call streamed token by token: id and name first, then arguments in pieces", () => {
  const out = new ChatOutput({ startsInReasoning: false, toolFormat: "json", tools: [weather] });
  const text =
    '<think>\ncall it\n</think>\n\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';
  const deltas = [...Array.from(text, (ch) => out.push(ch)), out.finish()];
  const pieces = deltas.flatMap((d) => d.tool_calls ?? []);
  const [first, ...rest] = pieces;
  assert.equal(first.index, 0);
  assert.equal(first.type, "function");
  assert.match(first.id ?? "", /^call_[0-9a-f]{24}$/);
  assert.deepEqual(first.function, { name: "get_weather", arguments: "" });
  assert.ok(rest.length > 5, "arguments stream as the model writes them");
  assert.ok(rest.every((p) => p.index === 0 && p.id === undefined && p.function.name === undefined));
  assert.equal(rest.map((p) => p.function.arguments).join(""), '{"city":"Paris"}');
  assert.deepEqual(joinCalls(pieces), out.message.tool_calls);
  assert.deepEqual(out.message.tool_calls[0].function, {
    name: "get_weather",
    arguments: '{"city":"Paris"}',
  });
  assert.equal(out.message.content.trim(), "");
  assert.equal(out.message.reasoning_content, "\ncall it\n");
  assert.equal(out.callsToRun, true);
});

test("streamed and whole calls agree for both formats, in any chunks; built-in calls are not streamed", () => {
  const code = { type: "function", function: { name: "code" } };
  const edit = {
    type: "function",
    function: {
      name: "edit",
      parameters: { type: "object", properties: { text: { type: "string" }, line: { type: "integer" } } },
    },
  };
  const texts = {
    json:
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "S\\u00e3o \\"P\\"", "at": {"d": [1, {"h": 2}]}}}\n</tool_call>\n' +
      '<tool_call>\n{"name": "code", "arguments": {"language": "python"}}\n</tool_call>\n' +
      '<tool_call>\n{"name": "edit", "arguments": {"text": "é 🎉\\n", "line": 3}}\n</tool_call>',
    xml:
      '<tool_call>\n<function=get_weather>\n<parameter=city>\nSão "P"\n</parameter>\n</function>\n</tool_call>\n' +
      "<tool_call>\n<function=code>\n<parameter=language>\npython\n</parameter>\n</function>\n</tool_call>\n" +
      "<tool_call>\n<function=edit>\n<parameter=text>\né 🎉\n\n</parameter>\n<parameter=line>\n3\n</parameter>\n</function>\n</tool_call>",
  };
  for (const format of ["json", "xml"] as const) {
    const make = () =>
      new ChatOutput({
        startsInReasoning: false,
        toolFormat: format,
        tools: [weather, code, edit],
        builtinNames: ["code"],
      });
    const whole = make();
    const once = stream(whole, [texts[format]]);
    assert.deepEqual(
      whole.message.tool_calls.map((c) => [c.index, c.function.name]),
      [
        [0, "get_weather"],
        [1, "edit"],
      ],
    );
    assert.deepEqual(JSON.parse(whole.message.tool_calls[1].function.arguments), { text: "é 🎉\n", line: 3 });
    assert.deepEqual(
      whole.calls.map((c) => c.function.name),
      ["get_weather", "code", "edit"],
    );
    assert.deepEqual(once.tool_calls, whole.message.tool_calls);
    const chars = Array.from(texts[format]);
    for (let size = 1; size <= 13; size += 3) {
      const out = make();
      const parts = Array.from({ length: Math.ceil(chars.length / size) }, (_, i) =>
        chars.slice(i * size, (i + 1) * size).join(""),
      );
      const merged = stream(out, parts);
      assert.deepEqual(merged.tool_calls, out.message.tool_calls);
      assert.deepEqual(
        out.message.tool_calls.map((c) => c.function),
        whole.message.tool_calls.map((c) => c.function),
        `${format}, chunks of ${size}`,
      );
    }
  }
});

test("a <tool_call> inside the think block is reasoning, as vLLM's Qwen3 parsers treat it", () => {
  const out = new ChatOutput({ startsInReasoning: true, toolFormat: "json", tools: [weather] });
  const call = '<tool_call>\n{"name": "get_weather", "arguments": {}}\n</tool_call>';
  const merged = stream(out, [`maybe ${call}`, "</think>\n\nNo call."]);
  assert.equal(merged.reasoning_content, `maybe ${call}`);
  assert.deepEqual(merged.tool_calls, []);
  assert.equal(merged.content, "\n\nNo call.");
});

test("a call cut off after its name stays a call with the arguments sent; the finish reason is not tool_calls", () => {
  const format = new ChatFormat({
    tokenizer: {} as RioTokenizer,
    startsInReasoning: false,
    toolFormat: "json",
    tools: [weather],
    logprobs: false,
    modes: false,
  });
  format.step(step('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Pa'));
  const end = format.finish("length");
  assert.equal(end.finishReason, "length");
  const whole = format.whole() as { message: { tool_calls: ResponseToolCall[] } };
  assert.equal(whole.message.tool_calls[0].function.arguments, '{"city":"Pa');
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
  const streamed = joinCalls(
    [...chunks, end.fields].flatMap((c) => (c?.delta as ChatDelta | undefined)?.tool_calls ?? []),
  );
  assert.deepEqual(
    streamed.map((c) => [c.index, c.function.arguments]),
    [
      [0, "{}"],
      [1, '{"city":"Oslo"}'],
    ],
  );
  const whole = format.whole() as {
    message: { content: string | null; tool_calls: unknown[] };
    rio: { modes: string[] };
  };
  assert.equal(whole.message.content, null);
  assert.deepEqual(whole.message.tool_calls, streamed);
  assert.equal(whole.rio.modes.length, pieces.length);
});

test("ChatFormat: the reasoning comes as both reasoning_content and reasoning, streamed and whole", () => {
  const format = new ChatFormat({
    tokenizer: {} as RioTokenizer,
    startsInReasoning: true,
    toolFormat: "json",
    logprobs: false,
    modes: false,
  });
  const chunks = ["hm", "m</think>\n\nok"].map((p, i) => format.step(step(p, i)));
  assert.deepEqual(chunks[0]?.delta, { reasoning_content: "hm", reasoning: "hm" });
  assert.deepEqual(chunks[1]?.delta, { reasoning_content: "m", reasoning: "m", content: "\n\nok" });
  format.finish("eos");
  const { message } = format.whole() as { message: Record<string, unknown> };
  assert.deepEqual([message.reasoning_content, message.reasoning, message.content], ["hmm", "hmm", "\n\nok"]);
});

test("responses: a function call's arguments stream as function_call_arguments.delta events, then .done", () => {
  const format = new ResponseFormat({ startsInReasoning: false, toolFormat: "xml", tools: [weather] });
  const text =
    "<tool_call>\n<function=get_weather>\n<parameter=city>\nRio de Janeiro\n</parameter>\n</function>\n</tool_call>\n" +
    "<tool_call>\n<function=get_time>\n</function>\n</tool_call>";
  const events = [
    ...Array.from(text).flatMap((ch, i) => format.step(step(ch, i)) ?? []),
    ...format.finish("eos").fields,
  ];
  const items = format.output.items as { id: string; arguments: string; status: string }[];
  assert.equal(items.length, 2);
  for (const item of items) {
    const mine = events.filter((e) => e.item_id === item.id);
    const deltas = mine.filter((e) => e.type === "response.function_call_arguments.delta");
    assert.equal(deltas.map((e) => e.delta).join(""), item.arguments);
    const done = mine.find((e) => e.type === "response.function_call_arguments.done");
    assert.equal(done?.arguments, item.arguments);
    assert.equal(item.status, "completed");
  }
  const cut = new ResponseFormat({ startsInReasoning: false, toolFormat: "xml", tools: [weather] });
  cut.step(step("<tool_call>\n<function=get_weather>\n<parameter=city>\nRi"));
  cut.finish("length");
  assert.deepEqual(
    cut.output.items.map((item) => [item.status, (item as { arguments: string }).arguments]),
    [["incomplete", '{"city":"Ri']],
  );
  assert.equal(items[0].arguments, '{"city":"Rio de Janeiro"}');
  assert.ok(events.filter((e) => e.item_id === items[0].id).length > 10, "the arguments stream");
  assert.equal(items[1].arguments, "{}");
  assert.deepEqual(
    events.filter((e) => e.type.startsWith("response.output_item")).map((e) => [e.type, e.output_index]),
    [
      ["response.output_item.added", 0],
      ["response.output_item.done", 0],
      ["response.output_item.added", 1],
      ["response.output_item.done", 1],
    ],
  );
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
