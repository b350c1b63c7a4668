// Built-in tools on the real server, with a tiny model trained to call them (tool-calling-model.ts): the
// agent loop runs the model's calls in the real sandbox and fetch tool, gives it the results and lets it
// answer; chat completions (rio.builtin_tools) and the Responses API (code_interpreter and fetch tool
// types, through the official openai client) show the tool work; a run stopped at its time limit comes
// back as an error result and the server goes on; the step limit holds; function calls still go back to
// the client. Nothing leaves this machine: the page fetched is served on loopback.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { type ToolCallRequest, type ToolDefinition, ToolRunner } from "../../src/agent/index.js";
import { codeTool, webFetchTool } from "../../src/tools/index.js";
import { type LoopbackServer, startLoopbackServer } from "../fixtures/tools/loopback-server.js";
import {
  makeToolCallingModel,
  promptTokens,
  type Script,
  scriptGenerations,
} from "../fixtures/tools/tool-calling-model.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

const LIMITS = { code: { timeMs: 1_000 } };
const TOOL_STEPS = 2;
/** Greedy plain decoding with thinking off, as the model was trained. */
const GREEDY = { temperature: 0, reasoning: { method: "cot" } };

let t: TinyServer;
let page: LoopbackServer;
let tools: { code: ToolDefinition; fetch: ToolDefinition };
const scripts: Record<"multiply" | "think" | "read" | "loop" | "repeat" | "bad" | "clock", Script> =
  {} as never;
const clock = {
  type: "function" as const,
  function: {
    name: "get_time",
    description: "The current time",
    parameters: { type: "object", properties: {} },
  },
};

/** Arguments with a nested object, escapes and non-ASCII text, to stream in pieces. */
const CLOCK_ARGS = { zone: "Europe/Oslo", format: { clock: "24h", label: 'kl. "nå"' } };

const call = (name: string, args: object): ToolCallRequest => ({
  id: `call_${name}`,
  name,
  arguments: JSON.stringify(args),
});

before(async () => {
  page = await startLoopbackServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><head><title>Rio</title></head><body><h1>Rio</h1><p>Rio runs tools.</p></body></html>");
  });
  const builtins = [codeTool(), webFetchTool({ allowPrivate: true })];
  // the server's own runner settings: the results the model is trained on are the ones it will read
  const runner = new ToolRunner(builtins, LIMITS);
  const [code, fetch] = runner.definitions();
  tools = { code, fetch };
  const run = async (request: ToolCallRequest) => ({
    call: request,
    result: (await runner.run(request, new AbortController().signal)).result.text,
  });
  const js = (program: string) => call("code", { language: "javascript", code: program });
  const multiply = await run(js("6*7"));
  const read = await run(call("fetch", { url: `${page.origin}/rio` }));
  const loop = await run(js("while (true) {}"));
  const count = await run(js("1+1"));
  const bad = await run(call("code", { program: "6*7" }));
  Object.assign(scripts, {
    multiply: {
      user: "What is 6 times 7? Use code.",
      tools: [code],
      rounds: [multiply],
      answer: { text: "6 × 7 = 42." },
    },
    think: {
      user: "What is 6 times 7? Think, then use code.",
      tools: [code],
      rounds: [{ ...multiply, reasoning: "I will use code." }],
      answer: { reasoning: "The code says 42.", text: "It is 42." },
      thinking: true,
    },
    read: {
      user: `Read ${page.origin}/rio`,
      tools: [fetch],
      rounds: [read],
      answer: { text: "Rio runs tools." },
    },
    loop: {
      user: "Loop forever with code.",
      tools: [code],
      rounds: [loop],
      answer: { text: "It was stopped." },
    },
    repeat: {
      user: "Count again and again.",
      tools: [code],
      rounds: [count, count],
      answer: { text: "I stop here.", tools: [] },
    },
    bad: { user: "Use code wrongly.", tools: [code], rounds: [bad], answer: { text: "The call was wrong." } },
    // the client's function first, as the server lists the request's tools
    clock: {
      user: "What time is it?",
      tools: [clock, code],
      rounds: [{ call: call("get_time", CLOCK_ARGS) }],
    },
  } satisfies typeof scripts);
  t = await startTinyServer({
    ctx: 4096,
    makeModel: (dir) => makeToolCallingModel(dir, Object.values(scripts)),
    builtinTools: builtins,
    toolLimits: LIMITS,
    toolSteps: TOOL_STEPS,
  });
});
after(async () => {
  await t?.close();
  await page?.close();
});

const chat = (script: Script, extra: object = {}) =>
  t.post("/v1/chat/completions", {
    model: MODEL_NAME,
    messages: [{ role: "user", content: script.user }],
    rio: { builtin_tools: ["code"] },
    chat_template_kwargs: { enable_thinking: false },
    max_tokens: 200,
    ...GREEDY,
    ...extra,
  });

/** A chat choice with Rio's record of the built-in runs. */
type ChoiceWithRuns = OpenAI.ChatCompletion.Choice & {
  rio?: {
    builtin_calls: { name: string; arguments: string; output: string; is_error: boolean; outcome: string }[];
  };
};

/** The chat answer to `script`: status, first choice and usage. */
async function answer(script: Script, extra: object = {}) {
  const { status, body } = await chat(script, extra);
  const completion = body as unknown as OpenAI.ChatCompletion;
  assert.equal(status, 200, JSON.stringify(body));
  return { choice: completion.choices[0] as ChoiceWithRuns, usage: completion.usage };
}

/** The prompt lengths of the script's generations: what usage counts as prompt tokens. */
const promptsOf = (script: Script) =>
  Array.from(
    { length: script.rounds.length + 1 },
    (_, i) => promptTokens(t.model.tokenizer, script, i).length,
  );
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

test("chat: the model's code call runs in the sandbox, its result reaches the answer, usage counts both prompts", async () => {
  const before = await t.metric('rio_tool_runs_total{tool="code",outcome="ok"}').catch(() => 0);
  const { choice, usage } = await answer(scripts.multiply);
  assert.deepEqual([choice.message.content, choice.finish_reason], ["6 × 7 = 42.", "stop"]);
  assert.equal(choice.message.tool_calls, undefined, "a built-in call is not the client's to run");
  const [run] = choice.rio?.builtin_calls ?? [];
  assert.deepEqual(
    [run.name, JSON.parse(run.arguments), run.output, run.outcome],
    ["code", { language: "javascript", code: "6*7" }, "value:\n42", "ok"],
  );
  assert.equal(
    usage?.prompt_tokens,
    sum(promptsOf(scripts.multiply)),
    "the second prompt holds the call and its result",
  );
  assert.equal(await t.metric('rio_tool_runs_total{tool="code",outcome="ok"}'), before + 1);
});

test("chat streaming: the call and its result come as rio chunks between the deltas; one finish reason at the end", async () => {
  const stream = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: [{ role: "user", content: scripts.multiply.user }],
    stream: true,
    max_tokens: 200,
    temperature: 0,
    ...({
      rio: { builtin_tools: ["code"] },
      chat_template_kwargs: { enable_thinking: false },
      reasoning: { method: "cot" },
    } as object),
  });
  const chunks: (OpenAI.ChatCompletionChunk.Choice & {
    rio?: Record<string, { name: string; output?: string }>;
  })[] = [];
  for await (const chunk of stream) chunks.push(...chunk.choices);
  const rio = chunks.flatMap((c) => (c.rio ? Object.keys(c.rio) : []));
  assert.deepEqual(rio, ["builtin_call", "builtin_result"]);
  const result = chunks.find((c) => c.rio?.builtin_result)?.rio?.builtin_result;
  assert.equal(result?.output, "value:\n42");
  assert.equal(chunks.map((c) => c.delta.content ?? "").join(""), "6 × 7 = 42.");
  assert.deepEqual(
    chunks.flatMap((c) => (c.finish_reason ? [c.finish_reason] : [])),
    ["stop"],
  );
  assert.ok(chunks.every((c) => !c.delta.tool_calls));
});

test("responses: code_interpreter with a forced call, whole and streamed; a stored turn replays the call", async () => {
  const body = {
    model: MODEL_NAME,
    input: scripts.multiply.user,
    tools: [{ type: "code_interpreter" as const, container: { type: "auto" as const } }],
    tool_choice: { type: "code_interpreter" as const },
    reasoning: { effort: "none", method: "cot" } as OpenAI.Reasoning,
    temperature: 0,
    max_output_tokens: 200,
  };
  const whole = await t.client.responses.create(body);
  assert.equal(whole.status, "completed");
  assert.deepEqual(
    whole.output.map((item) => item.type),
    ["code_interpreter_call", "message"],
  );
  const item = whole.output[0] as OpenAI.Responses.ResponseCodeInterpreterToolCall;
  assert.deepEqual(
    [item.status, item.code, item.outputs],
    ["completed", "6*7", [{ type: "logs", logs: "value:\n42" }]],
  );
  assert.match(item.id, /^ci_/);
  assert.equal(whole.output_text, "6 × 7 = 42.");
  assert.equal(whole.usage?.input_tokens, sum(promptsOf(scripts.multiply)));

  const events = await collect(await t.client.responses.create({ ...body, stream: true }));
  const types = events.map((e) => e.type);
  const from = types.indexOf("response.output_item.added");
  assert.deepEqual(types.slice(from, from + 8), [
    "response.output_item.added",
    "response.code_interpreter_call.in_progress",
    "response.code_interpreter_call_code.delta",
    "response.code_interpreter_call_code.done",
    "response.code_interpreter_call.interpreting",
    "response.code_interpreter_call.completed",
    "response.output_item.done",
    "response.output_item.added",
  ]);
  const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
  assert.equal(done.type, "response.completed");
  assert.deepEqual(
    done.response.output.map((i) => ({ ...i, id: undefined })),
    whole.output.map((i) => ({ ...i, id: undefined })),
  );

  const next = await t.client.responses.create({
    model: MODEL_NAME,
    input: "Thanks.",
    previous_response_id: whole.id,
    tools: body.tools,
    reasoning: body.reasoning,
    max_output_tokens: 1,
  });
  const replayed = t.model.tokenizer.encodeChat(
    [
      ...scriptGenerations(scripts.multiply)[1].messages,
      { role: "assistant", content: "6 × 7 = 42." },
      { role: "user", content: "Thanks." },
    ],
    { tools: [tools.code], addGenerationPrompt: true, enableThinking: false },
  );
  assert.equal(
    next.usage?.input_tokens,
    replayed.length,
    "the stored call and result are in the prompt again",
  );
});

test("responses with thinking on: each generation's reasoning is its own item, around the call", async () => {
  const r = await t.client.responses.create({
    model: MODEL_NAME,
    input: scripts.think.user,
    tools: [{ type: "code_interpreter", container: { type: "auto" } }],
    reasoning: { method: "cot" } as OpenAI.Reasoning,
    temperature: 0,
    max_output_tokens: 200,
  });
  assert.deepEqual(
    r.output.map((item) => item.type),
    ["reasoning", "code_interpreter_call", "reasoning", "message"],
  );
  const reasoning = r.output.filter(
    (i) => i.type === "reasoning",
  ) as OpenAI.Responses.ResponseReasoningItem[];
  assert.deepEqual(
    reasoning.map((i) => i.content?.[0].text.trim()),
    ["I will use code.", "The code says 42."],
  );
  assert.equal(r.output_text, "It is 42.");
  assert.ok((r.usage?.output_tokens_details.reasoning_tokens ?? 0) > 0);
});

test("responses: Rio's fetch tool reads a loopback page (private addresses allowed here) as a web_search_call open_page", async () => {
  const r = await t.client.responses.create({
    model: MODEL_NAME,
    input: scripts.read.user,
    tools: [{ type: "fetch" } as unknown as OpenAI.Responses.Tool],
    reasoning: { effort: "none", method: "cot" } as OpenAI.Reasoning,
    temperature: 0,
    max_output_tokens: 200,
  });
  const item = r.output[0] as OpenAI.Responses.ResponseFunctionWebSearch & { rio: { output: string } };
  assert.deepEqual(
    [item.type, item.status, item.action],
    ["web_search_call", "completed", { type: "open_page", url: `${page.origin}/rio` }],
  );
  assert.match(item.rio.output, /Rio runs tools\./);
  assert.equal(r.output_text, "Rio runs tools.");
  assert.ok(page.connections() > 0);
});

test("a program stopped at its time limit is an error result; the request completes and the server goes on", async () => {
  const { choice } = await answer(scripts.loop);
  const [run] = choice.rio?.builtin_calls ?? [];
  assert.deepEqual([run.is_error, run.outcome], [true, "timeout"]);
  assert.match(run.output, /timed out after 1000 ms/);
  assert.equal(choice.message.content, "It was stopped.");
  assert.equal(await t.metric('rio_tool_runs_total{tool="code",outcome="timeout"}'), 1);
  const next = await answer(scripts.multiply);
  assert.equal(next.choice.message.content, "6 × 7 = 42.");
});

test("the step limit holds: after its last tool round the model answers with no tools offered", async () => {
  const { choice } = await answer(scripts.repeat);
  assert.equal(choice.rio?.builtin_calls.length, TOOL_STEPS);
  assert.equal(choice.message.content, "I stop here.");
});

test("a call with bad arguments is an error result; a client's function call still goes back to it", async () => {
  const { choice } = await answer(scripts.bad);
  const [run] = choice.rio?.builtin_calls ?? [];
  assert.deepEqual([run.is_error, run.outcome], [true, "error"]);
  assert.match(run.output, /^invalid arguments for code/);
  assert.equal(choice.message.content, "The call was wrong.");

  const { choice: back } = await answer(scripts.clock, { tools: [clock] });
  assert.equal(back.finish_reason, "tool_calls");
  assert.deepEqual(
    back.message.tool_calls?.map((c) => c.type === "function" && [c.function.name, c.function.arguments]),
    [["get_time", JSON.stringify(CLOCK_ARGS)]],
  );
  assert.equal(back.rio, undefined, "no built-in ran");
});

test("a client's call streams: id and name first, then argument pieces that join to the whole answer's", async () => {
  const { choice } = await answer(scripts.clock, { tools: [clock] });
  const whole = choice.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
  const stream = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: [{ role: "user", content: scripts.clock.user }],
    tools: [clock],
    stream: true,
    max_tokens: 200,
    temperature: 0,
    ...({
      rio: { builtin_tools: ["code"] },
      chat_template_kwargs: { enable_thinking: false },
      reasoning: { method: "cot" },
    } as object),
  });
  const pieces: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
  const finish: string[] = [];
  for await (const chunk of stream) {
    pieces.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    if (chunk.choices[0]?.finish_reason) finish.push(chunk.choices[0].finish_reason);
  }
  const [first, ...rest] = pieces;
  assert.deepEqual(
    [first.index, first.id, first.function],
    [0, first.id, { name: "get_time", arguments: "" }],
  );
  assert.match(first.id ?? "", /^call_/);
  assert.ok(rest.length > 3, `arguments in pieces: ${JSON.stringify(rest)}`);
  const joined = rest.map((p) => p.function?.arguments ?? "").join("");
  assert.equal(joined, whole.function.arguments);
  assert.deepEqual(JSON.parse(joined), CLOCK_ARGS);
  assert.deepEqual(finish, ["tool_calls"]);
});

test("errors: a built-in the server did not enable, a function named like a built-in", async () => {
  const refused = await chat(scripts.multiply, { rio: { builtin_tools: ["search"] } });
  assert.deepEqual([refused.status, refused.body.error.param], [400, "rio.builtin_tools.0"]);
  assert.match(refused.body.error.message, /not enabled on this server \(enabled: code, fetch\)/);
  const clash = await chat(scripts.multiply, { tools: [{ type: "function", function: { name: "code" } }] });
  assert.deepEqual([clash.status, clash.body.error.param], [400, "rio.builtin_tools.0"]);
  const search = await t.post("/v1/responses", {
    model: MODEL_NAME,
    input: "hi",
    tools: [{ type: "web_search" }],
  });
  assert.deepEqual([search.status, search.body.error.param], [400, "tools.0.type"]);
});
