// The real server on loopback, driven by the official openai client: chat (whole and streamed),
// reasoning_content, completions, models, logprobs, n, SwiReasoning controls, tools on the request side,
// and errors. The tiny model's template opens <think> (as Qwen3.5's does), so its output is reasoning.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
before(async () => {
  t = await startTinyServer({ opensThinking: true, ctx: 2048, bodyLimit: 256 * 1024 });
});
after(() => t?.close());

const user = (content: string) => [{ role: "user" as const, content }];
const weather = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

test("GET /v1/models lists the served model; an unknown id is 404", async () => {
  const list = await t.client.models.list();
  assert.deepEqual(
    list.data.map((m) => m.id),
    [MODEL_NAME],
  );
  assert.equal((await t.client.models.retrieve(MODEL_NAME)).id, MODEL_NAME);
  await assert.rejects(t.client.models.retrieve("other"), (e: unknown) => e instanceof OpenAI.NotFoundError);
  const health = await (await fetch(`${t.server.url}/health`)).json();
  assert.equal(health.status, "ok");
});

test("chat: thinking goes to reasoning_content, usage counts the tokens", async () => {
  const r = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: user("hi"),
    max_tokens: 8,
    temperature: 0,
  });
  assert.equal(r.object, "chat.completion");
  assert.match(r.id, /^chatcmpl-/);
  const choice = r.choices[0];
  assert.equal(choice.message.role, "assistant");
  assert.equal(choice.finish_reason, "length");
  const message = choice.message as unknown as { reasoning_content?: string; reasoning?: string };
  const reasoning = message.reasoning_content ?? "";
  assert.ok(reasoning.length > 0, "reasoning_content");
  assert.equal(message.reasoning, reasoning, "reasoning too, for clients of either name");
  assert.equal(r.usage?.completion_tokens, 8);
  assert.equal(r.usage?.total_tokens, (r.usage?.prompt_tokens ?? 0) + 8);
});

test("chat: enable_thinking false (chat_template_kwargs) gives content without reasoning", async () => {
  const body = {
    model: MODEL_NAME,
    messages: user("hi"),
    max_tokens: 6,
    temperature: 0,
    chat_template_kwargs: { enable_thinking: false },
  };
  const r = await t.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assert.ok((r.choices[0].message.content ?? "").length > 0);
  assert.equal(
    (r.choices[0].message as unknown as { reasoning_content?: string }).reasoning_content,
    undefined,
  );
});

test("chat: thinking_budget (and vLLM's thinking_token_budget) closes the reasoning, an answer follows", async () => {
  for (const field of ["thinking_budget", "thinking_token_budget"])
    for (const method of ["swir", "cot"]) {
      const body = {
        model: MODEL_NAME,
        messages: user("hi"),
        max_tokens: 40,
        temperature: 0,
        reasoning: { method },
        [field]: 5,
      };
      const r = await t.client.chat.completions.create(
        body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
      );
      const details = r.usage?.completion_tokens_details;
      // the prompt opened <think>: 5 reasoning tokens, then "\n</think>" closes the block
      assert.ok(
        details?.reasoning_tokens !== undefined && details.reasoning_tokens <= 5 + 2,
        `${field} ${method}`,
      );
      assert.ok((r.choices[0].message.content ?? "").length > 0, `${field} ${method}: an answer`);
    }
  const unlimited = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: user("hi"),
    max_tokens: 8,
    temperature: 0,
  });
  // without a budget the block stays open unless the model closes it: all 8 tokens are reasoning then
  const reasoningTokens = unlimited.usage?.completion_tokens_details?.reasoning_tokens ?? -1;
  if (!unlimited.choices[0].message.content) assert.equal(reasoningTokens, 8);
  else assert.ok(reasoningTokens > 0 && reasoningTokens < 8);
  await assert.rejects(
    t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: user("hi"),
      thinking_budget: 0,
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
    (e: unknown) => e instanceof OpenAI.BadRequestError && /thinking_budget/.test(e.message),
  );
});

test("chat streaming: OpenAI chunks, include_usage, [DONE], same text as the whole response", async () => {
  const body = {
    model: MODEL_NAME,
    messages: user("2+2?"),
    max_tokens: 10,
    seed: 5,
    reasoning: { method: "swir", window: 4 },
    rio: { modes: true },
  };
  const whole = await t.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const stream = await t.client.chat.completions.create({
    ...body,
    stream: true,
    stream_options: { include_usage: true },
  } as OpenAI.ChatCompletionCreateParamsStreaming);
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(
    chunks.every(
      (c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id && c.model === MODEL_NAME,
    ),
  );
  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  const usage = chunks.at(-1);
  assert.deepEqual(usage?.choices, []);
  assert.equal(usage?.usage?.completion_tokens, 10);
  const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean);
  assert.deepEqual(finishes, ["length"]);
  const text = (field: "reasoning_content" | "reasoning" | "content") =>
    chunks.map((c) => (c.choices[0]?.delta as Record<string, string> | undefined)?.[field] ?? "").join("");
  const message = whole.choices[0].message as unknown as { content: string; reasoning_content?: string };
  assert.equal(text("reasoning_content"), message.reasoning_content ?? "");
  assert.equal(text("reasoning"), text("reasoning_content"));
  assert.equal(text("content"), message.content);
  const modes = chunks.flatMap(
    (c) => (c.choices[0] as unknown as { rio?: { modes: string[] } })?.rio?.modes ?? [],
  );
  assert.equal(modes.length, 10);
  assert.ok(modes.every((m) => m === "latent" || m === "explicit"));
  assert.equal((whole.choices[0] as unknown as { rio: { modes: string[] } }).rio.modes.length, 10);
});

test("chat: n choices, seeds reproduce, cot and logprobs", async () => {
  const body = {
    model: MODEL_NAME,
    messages: user("tell"),
    max_tokens: 5,
    n: 2,
    seed: 11,
    logprobs: true,
    top_logprobs: 3,
    reasoning: { method: "cot" },
  };
  const a = await t.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const b = await t.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assert.deepEqual(
    a.choices.map((c) => c.index),
    [0, 1],
  );
  assert.deepEqual(
    a.choices.map((c) => c.message),
    b.choices.map((c) => c.message),
  );
  const lp = a.choices[0].logprobs?.content ?? [];
  assert.equal(lp.length, 5);
  assert.ok(
    lp.every(
      (e) =>
        e.logprob <= 0 &&
        e.top_logprobs.length === 3 &&
        e.top_logprobs[0].logprob >= e.top_logprobs[2].logprob,
    ),
  );
  assert.equal(a.usage?.completion_tokens, 10);
});

test("completions: text, streaming and logprobs", async () => {
  const r = await t.client.completions.create({
    model: MODEL_NAME,
    prompt: "Once upon",
    max_tokens: 6,
    temperature: 0,
    logprobs: 2,
  });
  assert.equal(r.object, "text_completion");
  assert.equal(r.choices[0].logprobs?.tokens?.length, 6);
  assert.equal(r.choices[0].logprobs?.tokens?.join(""), r.choices[0].text);
  const stream = await t.client.completions.create({
    model: MODEL_NAME,
    prompt: "Once upon",
    max_tokens: 6,
    temperature: 0,
    stream: true,
  });
  let text = "";
  let finish: string | null = null;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.text ?? "";
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(text, r.choices[0].text);
  assert.equal(finish, "length");
  const tokens = await t.client.completions.create({ model: MODEL_NAME, prompt: [1, 2, 3], max_tokens: 2 });
  assert.equal(tokens.usage?.prompt_tokens, 3);
});

test("tools: rendered into the prompt per tool_choice; tool_calls and tool messages round-trip", async () => {
  const promptTokens = async (extra: object) =>
    (
      await t.client.chat.completions.create({
        model: MODEL_NAME,
        messages: user("weather in Paris?"),
        max_tokens: 1,
        ...extra,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    ).usage?.prompt_tokens ?? 0;
  const clock = {
    type: "function" as const,
    function: { name: "get_time", parameters: { type: "object", properties: {} } },
  };
  const none = await promptTokens({});
  const both = await promptTokens({ tools: [weather, clock] });
  assert.ok(both > none);
  assert.equal(await promptTokens({ tools: [weather, clock], tool_choice: "none" }), none);
  const named = await promptTokens({
    tools: [weather, clock],
    tool_choice: { type: "function", function: { name: "get_time" } },
  });
  assert.ok(named > none && named < both);
  const history: OpenAI.ChatCompletionMessageParam[] = [
    ...user("weather in Paris?"),
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      ],
    },
    { role: "tool", tool_call_id: "call_1", content: "sunny, 21 C" },
  ];
  const r = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: history,
    tools: [weather],
    max_tokens: 2,
  });
  const expected = t.model.tokenizer.encodeChat(
    [
      { role: "user", content: "weather in Paris?" },
      {
        role: "assistant",
        content: "",
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", content: "sunny, 21 C", tool_call_id: "call_1" },
    ],
    { tools: [weather], addGenerationPrompt: true },
  );
  assert.equal(r.usage?.prompt_tokens, expected.length);
  assert.ok(t.model.tokenizer.decode(expected).includes("sunny, 21 C"));
});

test("tool_choice required or named: the answer is a call, held to the call's grammar until it parses", async () => {
  const clock = {
    type: "function" as const,
    function: { name: "get_time", parameters: { type: "object", properties: {} } },
  };
  // thinking off: the prompt closes the reasoning block, so the answer (and the forced call) starts at once
  const answer = async (tool_choice: OpenAI.ChatCompletionToolChoiceOption, max_tokens = 40) => {
    const r = await t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: user("weather in Paris?"),
      tools: [weather, clock],
      tool_choice,
      max_tokens,
      temperature: 0,
      reasoning: { method: "cot" },
      chat_template_kwargs: { enable_thinking: false },
      // once the call is closed, end with <|im_end|> rather than another token llama.cpp counts as an end
      logit_bias: { [t.model.tokenizer.tokenToId("<|im_end|>") ?? 0]: 100 },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    return r.choices[0];
  };
  const named = await answer({ type: "function", function: { name: "get_time" } });
  assert.equal(named.finish_reason, "tool_calls");
  const call = named.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
  assert.equal(call.function.name, "get_time");
  assert.equal(typeof JSON.parse(call.function.arguments), "object");
  const required = (await answer("required")).message
    .tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
  assert.ok(["get_weather", "get_time"].includes(required.function.name));
  // cut short, the opened call is not a call: it comes back as content
  assert.match((await answer("required", 6)).message.content ?? "", /^<tool_call>\n\{"name": "/);
  const free = await answer("auto");
  assert.equal(free.message.tool_calls, undefined);
  assert.doesNotMatch(free.message.content ?? "", /<tool_call>/);
});

test("parallel_tool_calls: false ends the answer when its first call closes", async () => {
  const openCall = t.model.tokenizer.tokenToId("<tool_call>") ?? 0;
  // no string arguments: the grammar leaves no room inside the call for the favoured <tool_call>
  const clock = {
    type: "function" as const,
    function: { name: "get_time", parameters: { type: "object", properties: {} } },
  };
  const answer = async (parallel_tool_calls?: boolean) =>
    await t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: user("what time is it?"),
      tools: [clock],
      tool_choice: { type: "function", function: { name: "get_time" } },
      parallel_tool_calls,
      max_tokens: 60,
      temperature: 0,
      reasoning: { method: "cot" },
      chat_template_kwargs: { enable_thinking: false },
      // once the forced call is closed, push the model to open another one
      logit_bias: { [openCall]: 100 },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const many = await answer();
  // the random model does not stop after the call: it goes on writing
  assert.equal(many.choices[0].message.tool_calls?.length, 1);
  assert.ok((many.choices[0].message.content ?? "").length > 0, "the answer went on after the call");
  const one = await answer(false);
  assert.equal(one.choices[0].finish_reason, "tool_calls");
  assert.equal(one.choices[0].message.tool_calls?.length, 1);
  assert.equal(one.choices[0].message.content ?? "", "");
  assert.ok((one.usage?.completion_tokens ?? 0) < (many.usage?.completion_tokens ?? 0));
});

test("logit_bias bans or forces tokens; out-of-vocabulary ids and unsupported JSON schemas are refused", async () => {
  const first = async (extra: object) =>
    (
      await t.client.chat.completions.create({
        model: MODEL_NAME,
        messages: user("hi"),
        max_tokens: 3,
        temperature: 0,
        reasoning: { method: "cot" },
        logprobs: true,
        ...extra,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
    ).choices[0].logprobs?.content?.map((l) => l.token) ?? [];
  const plain = await first({});
  const greedyId = t.model.tokenizer.encode(plain[0])[0];
  assert.notEqual((await first({ logit_bias: { [greedyId]: -100 } }))[0], plain[0]);
  const forcedId = t.model.tokenizer.encode(" Rio")[0];
  assert.deepEqual(await first({ logit_bias: { [forcedId]: 100 } }), [" Rio", " Rio", " Rio"]);
  const chat = (body: object) => t.post("/v1/chat/completions", { messages: user("hi"), ...body });
  const outside = await chat({ logit_bias: { 99999999: 5 } });
  assert.deepEqual([outside.status, outside.body.error.param], [400, "logit_bias"]);
  assert.equal((await chat({ logit_bias: { abc: 5 } })).status, 400);
  assert.equal((await chat({ logit_bias: { 5: 101 } })).status, 400);
  const schema = await chat({
    response_format: {
      type: "json_schema",
      json_schema: { name: "x", strict: true, schema: { type: "array", uniqueItems: true } },
    },
  });
  assert.deepEqual([schema.status, schema.body.error.param], [400, "response_format.json_schema.schema"]);
  assert.equal((await chat({ response_format: { type: "text" }, max_tokens: 1 })).status, 200);
});

test("response_format json_object: the answer follows the JSON grammar from its first token", async () => {
  for (const seed of [1, 2, 3]) {
    const r = await t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: user("Give me a JSON object."),
      max_tokens: 48,
      seed,
      reasoning: { method: "cot" },
      chat_template_kwargs: { enable_thinking: false },
      response_format: { type: "json_object" },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const { content } = r.choices[0].message;
    // a random model rarely closes its object within the limit: then the text is a JSON object cut short
    if (r.choices[0].finish_reason === "stop") assert.equal(typeof JSON.parse(content ?? ""), "object");
    else assert.match(content ?? "", /^\{/);
  }
  // a model that wants "}" everywhere: the grammar makes "{" come first, takes "}" right after it, then
  // allows only bounded whitespace and the end, so the answer is a finished, valid object
  const closing = t.model.tokenizer.encode("}")[0];
  const r = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: user("Give me a JSON object."),
    max_tokens: 48,
    temperature: 0,
    logit_bias: { [closing]: 100 },
    reasoning: { method: "cot" },
    chat_template_kwargs: { enable_thinking: false },
    response_format: { type: "json_object" },
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  assert.equal(r.choices[0].finish_reason, "stop");
  assert.deepEqual(JSON.parse(r.choices[0].message.content ?? ""), {});
});

test("errors: OpenAI shape and status codes", async () => {
  const chat = (body: unknown) => t.post("/v1/chat/completions", body);
  const bad = await chat("{not json");
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_json");
  const typed = await chat({ messages: user("hi"), temperature: "hot" });
  assert.deepEqual(
    [typed.status, typed.body.error.param, typed.body.error.type],
    [400, "temperature", "invalid_request_error"],
  );
  assert.equal(
    (await chat({ messages: [{ role: "robot", content: "x" }] })).body.error.param,
    "messages.0.role",
  );
  assert.equal((await chat({ messages: [] })).status, 400);
  assert.equal((await chat({ messages: user("hi"), n: 1000 })).body.error.param, "n");
  const long = await chat({ messages: user("word ".repeat(3000)) });
  assert.deepEqual([long.status, long.body.error.code], [400, "context_length_exceeded"]);
  assert.equal((await chat({ messages: user("hi"), max_tokens: 5000 })).body.error.param, "max_tokens");
  const big = await chat({ messages: user("x".repeat(300 * 1024)) });
  assert.equal(big.status, 413);
  assert.ok(big.body.error.message);
  assert.equal((await t.post("/v1/nope", {})).status, 404);
  assert.equal((await t.post("/v1/completions", { prompt: [999999999] })).body.error.param, "prompt");
  await assert.rejects(
    t.client.chat.completions.create({ model: "gpt-4o", messages: user("hi") }),
    (e: unknown) => e instanceof OpenAI.NotFoundError && e.code === "model_not_found",
  );
  await assert.rejects(
    t.client.chat.completions.create({ model: MODEL_NAME, messages: user("hi"), tool_choice: "required" }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "tool_choice",
  );
  assert.equal((await fetch(`${t.server.url}/health`)).status, 200, "the server is still up");
});
