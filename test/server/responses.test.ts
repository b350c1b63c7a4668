// POST/GET/DELETE /v1/responses on the real server, driven by the official openai client: whole and
// streamed responses, a forced function call and its output continuing the conversation, stored
// conversations across a server restart, cancellation on disconnect, and errors. The tiny model's
// template opens <think>, so its output is reasoning unless `reasoning.effort` is "none".
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { type RioServer, startServer } from "../../src/server/index.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
let restarted: RioServer | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-responses-"));
before(async () => {
  t = await startTinyServer({ opensThinking: true, ctx: 2048, dataDir });
});
after(async () => {
  await restarted?.close(0);
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const clock = {
  type: "function" as const,
  name: "get_time",
  description: "The current time",
  parameters: { type: "object", properties: {} },
  strict: null,
};
/** Thinking off: the template closes the think block, so the output is the answer (or a forced call). */
const noThinking = { effort: "none", method: "cot" } as OpenAI.Reasoning;

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The event types with runs of deltas collapsed to one, for comparing sequences. */
const shape = (events: ResponseStreamEvent[]) =>
  events.map((e) => e.type).filter((type, i, all) => !(type.endsWith(".delta") && all[i - 1] === type));

const withoutIds = (output: OpenAI.Responses.ResponseOutputItem[]) =>
  output.map((item) => ({ ...item, id: undefined }));

test("whole response: reasoning item, usage, incomplete at max_output_tokens; effort none answers", async () => {
  const r = await t.client.responses.create({
    model: MODEL_NAME,
    input: "hi",
    max_output_tokens: 8,
    temperature: 0,
  });
  assert.equal(r.object, "response");
  assert.match(r.id, /^resp_/);
  assert.deepEqual([r.status, r.incomplete_details?.reason], ["incomplete", "max_output_tokens"]);
  assert.equal(r.output.length, 1);
  const reasoning = r.output[0] as OpenAI.Responses.ResponseReasoningItem;
  assert.equal(reasoning.type, "reasoning");
  assert.ok((reasoning.content?.[0].text ?? "").length > 0);
  assert.equal(r.usage?.output_tokens, 8);
  assert.equal(r.usage?.output_tokens_details.reasoning_tokens, 8);
  assert.equal(r.usage?.total_tokens, (r.usage?.input_tokens ?? 0) + 8);
  const answer = await t.client.responses.create({
    model: MODEL_NAME,
    input: [
      { role: "developer", content: "Be brief." },
      { role: "user", content: "hi" },
    ],
    instructions: "You are Rio.",
    max_output_tokens: 6,
    temperature: 0,
    reasoning: noThinking,
    metadata: { run: "1" },
  });
  assert.equal(answer.output[0].type, "message");
  assert.ok(answer.output_text.length > 0, "the SDK's output_text");
  assert.equal(answer.usage?.output_tokens_details.reasoning_tokens, 0);
  assert.deepEqual([answer.instructions, answer.metadata], ["You are Rio.", { run: "1" }]);
  const expected = t.model.tokenizer.encodeChat(
    [
      { role: "system", content: "You are Rio." },
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ],
    { addGenerationPrompt: true, enableThinking: false },
  );
  assert.equal(answer.usage?.input_tokens, expected.length, "instructions first, developer as system");
});

test("streaming: named, numbered events in the API's order; the same output as the whole response", async () => {
  for (const reasoning of [undefined, noThinking]) {
    const body = { model: MODEL_NAME, input: "2+2?", max_output_tokens: 6, temperature: 0, reasoning };
    const whole = await t.client.responses.create(body);
    const events = await collect(await t.client.responses.create({ ...body, stream: true }));
    assert.deepEqual(
      events.map((e) => e.sequence_number),
      events.map((_, i) => i),
    );
    const [part, delta] = reasoning ? ["output_text", "output_text"] : ["reasoning_text", "reasoning_text"];
    assert.deepEqual(shape(events), [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      `response.${delta}.delta`,
      `response.${part}.done`,
      "response.content_part.done",
      "response.output_item.done",
      "response.incomplete",
    ]);
    const last = events.at(-1) as OpenAI.Responses.ResponseIncompleteEvent;
    assert.deepEqual(withoutIds(last.response.output), withoutIds(whole.output));
    assert.deepEqual(last.response.usage, whole.usage);
    const deltas = events.flatMap((e) => ("delta" in e && typeof e.delta === "string" ? [e.delta] : []));
    const item = whole.output[0] as { content: { text: string }[] };
    assert.equal(deltas.join(""), item.content[0].text);
  }
});

test("parallel_tool_calls: false ends the response when its first call closes", async () => {
  const respond = (parallel_tool_calls?: boolean) =>
    t.client.responses.create({
      model: MODEL_NAME,
      input: "What time is it?",
      tools: [clock],
      tool_choice: { type: "function", name: "get_time" },
      parallel_tool_calls,
      reasoning: noThinking,
      temperature: 0,
      max_output_tokens: 40,
    } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
  // the random model goes on writing after the call; with the limit the response ends at the call
  const many = await respond();
  assert.equal(many.status, "incomplete");
  const one = await respond(false);
  assert.equal(one.status, "completed");
  assert.deepEqual(
    one.output.map((item) => item.type),
    ["function_call"],
  );
  assert.equal(one.parallel_tool_calls, false);
  assert.ok((one.usage?.output_tokens ?? 0) < (many.usage?.output_tokens ?? 0));
});

test("function tool round trip: a forced call, then its output continues the stored conversation", async () => {
  const tokenizer = t.model.tokenizer;
  const call = await collect(
    await t.client.responses.create({
      model: MODEL_NAME,
      input: "What time is it?",
      tools: [clock],
      tool_choice: { type: "function", name: "get_time" },
      reasoning: noThinking,
      temperature: 0,
      max_output_tokens: 40,
      // the forced call follows the call grammar; the random model closes it as soon as it may, and then
      // ends with <|im_end|> rather than another token llama.cpp counts as an end (such as <|repo_name|>)
      logit_bias: Object.fromEntries(
        ["}", "</tool_call>", "<|im_end|>"].map((s) => [tokenizer.tokenToId(s), 100]),
      ),
      stream: true,
    } as OpenAI.Responses.ResponseCreateParamsStreaming),
  );
  assert.deepEqual(shape(call).slice(2), [
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.output_item.done",
    "response.completed",
  ]);
  const first = (call.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
  const fc = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
  assert.deepEqual([fc.type, fc.name, JSON.parse(fc.arguments)], ["function_call", "get_time", {}]);
  assert.match(fc.call_id, /^call_/);
  const output = { type: "function_call_output" as const, call_id: fc.call_id, output: "12:00" };
  const next = { model: MODEL_NAME, tools: [clock], reasoning: noThinking, max_output_tokens: 3 };
  const stored = await t.client.responses.create({
    ...next,
    previous_response_id: first.id,
    input: [output],
  });
  assert.equal(stored.previous_response_id, first.id);
  const expected = tokenizer.encodeChat(
    [
      { role: "user", content: "What time is it?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [{ id: fc.call_id, type: "function", function: { name: "get_time", arguments: "{}" } }],
      },
      { role: "tool", content: "12:00", tool_call_id: fc.call_id },
    ],
    {
      tools: [
        {
          type: "function",
          function: { name: clock.name, description: clock.description, parameters: clock.parameters },
        },
      ],
      addGenerationPrompt: true,
      enableThinking: false,
    },
  );
  assert.equal(stored.usage?.input_tokens, expected.length);
  assert.ok(tokenizer.decode(expected).includes("12:00"));
  // a stateless client sends the whole conversation itself: the same prompt
  const stateless = await t.client.responses.create({
    ...next,
    store: false,
    input: [
      { role: "user", content: "What time is it?" },
      ...first.output,
      output,
    ] as OpenAI.Responses.ResponseInput,
  });
  assert.equal(stateless.usage?.input_tokens, expected.length);
  await assert.rejects(t.client.responses.retrieve(stateless.id), OpenAI.NotFoundError, "store: false");
});

test("a client that disconnects mid-stream cancels its generation", async () => {
  const before = await t.metric("rio_generated_tokens_total");
  const abort = new AbortController();
  const stream = await t.client.responses.create(
    { model: MODEL_NAME, input: "tell me a story", max_output_tokens: 1500, stream: true },
    { signal: abort.signal },
  );
  // the SDK ends the iteration quietly when its request is aborted
  for await (const event of stream) if (event.type === "response.reasoning_text.delta") abort.abort();
  while (t.scheduler.activeSequences > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const generated = (await t.metric("rio_generated_tokens_total")) - before;
  assert.ok(generated < 1500, `${generated} tokens generated after the disconnect`);
});

test("errors: unknown previous response 404, bad input item 400 naming the field, built-in tools refused", async () => {
  await assert.rejects(
    t.client.responses.create({ model: MODEL_NAME, input: "hi", previous_response_id: "resp_nope" }),
    (e: unknown) => e instanceof OpenAI.NotFoundError && e.param === "previous_response_id",
  );
  const post = (body: object) => t.post("/v1/responses", { model: MODEL_NAME, ...body });
  const role = await post({ input: [{ role: "robot", content: "x" }] });
  assert.deepEqual([role.status, role.body.error.param], [400, "input.0.role"]);
  assert.equal(
    (await post({ input: [{ type: "input_image", image_url: "x" }] })).body.error.param,
    "input.0.type",
  );
  assert.equal(
    (await post({ input: [{ type: "function_call", name: "f" }] })).body.error.param,
    "input.0.call_id",
  );
  for (const type of ["code_interpreter", "web_search", "fetch"]) {
    const builtin = await post({ input: "hi", tools: [{ type }] });
    assert.deepEqual([builtin.status, builtin.body.error.param], [400, "tools.0.type"]);
    assert.match(builtin.body.error.message, /no built-in tools enabled/);
  }
  const forced = await post({ input: "hi", tools: [clock], tool_choice: { type: "web_search" } });
  assert.equal(forced.body.error.param, "tool_choice.type");
  const unknown = await post({
    input: "hi",
    tools: [clock],
    tool_choice: { type: "function", name: "nope" },
  });
  assert.equal(unknown.body.error.param, "tool_choice.name");
  const both = await post({
    input: "hi",
    tools: [clock],
    tool_choice: "required",
    text: { format: { type: "json_object" } },
  });
  assert.deepEqual([both.status, both.body.error.param], [400, "text.format"]);
  const schema = await post({
    input: "hi",
    text: {
      format: { type: "json_schema", name: "x", strict: true, schema: { type: "string", pattern: "a" } },
    },
  });
  assert.equal(schema.body.error.param, "text.format.schema");
  assert.match(schema.body.error.message, /\/pattern: keyword "pattern" is not supported/);
  assert.equal((await post({ input: "hi", max_output_tokens: 5000 })).body.error.param, "max_output_tokens");
  assert.equal((await post({ input: "hi", reasoning: { method: "swir", windw: 3 } })).status, 400);
  assert.equal((await fetch(`${t.server.url}/v1/responses/resp_nope`)).status, 404);
});

test("stored conversations survive a restart on the same data folder; GET and DELETE", async () => {
  const first = await t.client.responses.create({
    model: MODEL_NAME,
    input: "My name is Ana.",
    reasoning: noThinking,
    max_output_tokens: 4,
    temperature: 0,
  });
  await t.server.close(0);
  restarted = await startServer({
    model: t.model,
    scheduler: t.scheduler,
    modelName: MODEL_NAME,
    port: 0,
    logger: false,
    dataDir,
  });
  const client = new OpenAI({ baseURL: `${restarted.url}/v1`, apiKey: "none", maxRetries: 0 });
  assert.deepEqual((await client.responses.retrieve(first.id)).output, first.output);
  const second = await client.responses.create({
    model: MODEL_NAME,
    input: "What is my name?",
    previous_response_id: first.id,
    reasoning: noThinking,
    max_output_tokens: 2,
  });
  const expected = t.model.tokenizer.encodeChat(
    [
      { role: "user", content: "My name is Ana." },
      { role: "assistant", content: first.output_text },
      { role: "user", content: "What is my name?" },
    ],
    { addGenerationPrompt: true, enableThinking: false },
  );
  assert.equal(second.usage?.input_tokens, expected.length);
  const deleted = await fetch(`${restarted.url}/v1/responses/${first.id}`, { method: "DELETE" });
  assert.deepEqual(await deleted.json(), { id: first.id, object: "response", deleted: true });
  await assert.rejects(client.responses.retrieve(first.id), OpenAI.NotFoundError);
  // the turn that continued the deleted one cannot be continued any more: its history is gone
  await assert.rejects(
    client.responses.create({ model: MODEL_NAME, input: "again", previous_response_id: second.id }),
    (e: unknown) => e instanceof OpenAI.NotFoundError && /no longer stored/.test((e as Error).message),
  );
});
