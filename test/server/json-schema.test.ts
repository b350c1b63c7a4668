// Structured outputs through the real server and the openai client: a tiny random model writes garbage,
// so only the grammar made from each JSON schema can make its answers valid; every answer is parsed and
// validated with ajv (ajv-formats for formats). Also: unsupported keywords refused with a 400 naming them,
// the Responses API's text.format, and forced or strict tool calls whose arguments follow their schema.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import OpenAI from "openai";
import { SCHEMAS } from "./json-schema-corpus.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
before(async () => {
  t = await startTinyServer({ ctx: 4096 });
});
after(() => t?.close());

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

/** Asserts `text` parses and validates against `schema`. */
function assertValid(text: string, schema: object, label: string): unknown {
  const value = JSON.parse(text);
  const validate = ajv.compile(schema);
  assert.ok(validate(value), `${label}: ${text}\n${JSON.stringify(validate.errors)}`);
  return value;
}

/**
 * Sampling that ends with <|im_end|> once the grammar is done (not another token llama.cpp counts as an
 * end), and that keeps the random model off the line breaks and indents the grammar allows between values
 * (bounded, but a random model loves them, and each token costs a grammar mask here).
 */
function bias(): Record<number, number> {
  if (biasMap) return biasMap;
  const tokenizer = t.model.tokenizer;
  const map: Record<number, number> = { [tokenizer.tokenToId("<|im_end|>") ?? 0]: 100 };
  for (let id = 0; id < 151643 && Object.keys(map).length < 300; id++)
    if (/^\n[ \t\n\r]*$/.test(tokenizer.decode([id]))) map[id] = -100;
  biasMap = map;
  return map;
}
let biasMap: Record<number, number> | undefined;
const noThinking = { reasoning: { method: "cot" }, chat_template_kwargs: { enable_thinking: false } };

test(`response_format json_schema: every answer under ${SCHEMAS.length} schemas validates`, async (c) => {
  let answers = 0;
  for (const { name, schema } of SCHEMAS)
    for (const seed of [1]) {
      const r = await t.client.chat.completions.create({
        model: MODEL_NAME,
        messages: [{ role: "user", content: `Answer as ${name}.` }],
        max_tokens: 400,
        seed,
        logit_bias: bias(),
        response_format: { type: "json_schema", json_schema: { name, schema, strict: true } },
        ...noThinking,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      const choice = r.choices[0];
      c.diagnostic(`${name}: ${r.usage?.completion_tokens} tokens, ${choice.finish_reason}`);
      assert.equal(choice.finish_reason, "stop", `${name} seed ${seed}: ${choice.message.content}`);
      assertValid(choice.message.content ?? "", schema, `${name} seed ${seed}`);
      answers++;
    }
  assert.equal(answers, SCHEMAS.length);
});

test("unsupported keywords are refused with a 400 naming the keyword and its path (strict); best effort otherwise", async () => {
  const ask = (schema: object, strict = true) =>
    t.post("/v1/chat/completions", {
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 1,
      response_format: { type: "json_schema", json_schema: { name: "x", strict, schema } },
    });
  const cases: Array<[object, RegExp]> = [
    [
      { type: "object", properties: { a: { type: "string", pattern: "^a+$" } } },
      /\/properties\/a\/pattern: keyword "pattern"/,
    ],
    [{ type: "array", items: { type: "integer" }, uniqueItems: true }, /\/uniqueItems/],
    [{ type: "string", format: "email" }, /\/format: format "email" is not supported/],
    [{ type: "number", multipleOf: 0.5 }, /\/multipleOf/],
    [{ $ref: "#/x", properties: {} }, /\/properties: keyword "properties" is not supported with \$ref/],
    [{ $ref: "https://example.com/s.json" }, /only local references/],
    [{ type: "array", maxItems: 100000 }, /maxItems above 1000/],
    [{ type: "integer", minimum: 5, maximum: 1 }, /no integer lies between/],
    [{ type: "widget" }, /unknown type "widget"/],
  ];
  for (const [schema, message] of cases) {
    const r = await ask(schema);
    assert.deepEqual(
      [r.status, r.body.error.param],
      [400, "response_format.json_schema.schema"],
      JSON.stringify(schema),
    );
    assert.match(r.body.error.message, message);
  }
  // not strict: the pattern is dropped, the rest followed
  assert.equal((await ask({ type: "string", pattern: "^a+$" }, false)).status, 200);
  await assert.rejects(
    t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: [{ role: "user", content: "hi" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "x", strict: true, schema: { type: "string", pattern: "a" } },
      },
    }),
    (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === "response_format.json_schema.schema",
  );
});

test("Responses API: text.format json_schema holds the answer to the schema", async () => {
  const { schema } = SCHEMAS[0];
  const r = await t.client.responses.create({
    model: MODEL_NAME,
    input: "Who are you?",
    text: { format: { type: "json_schema", name: "person", schema, strict: true } },
    max_output_tokens: 400,
    seed: 3,
    logit_bias: bias(),
    reasoning: { effort: "none", method: "cot" },
  } as OpenAI.Responses.ResponseCreateParamsNonStreaming);
  assertValid(r.output_text, schema, "responses");
});

test("forced and strict tool calls: the arguments follow the function's parameter schema", async () => {
  const parameters = SCHEMAS.find((s) => s.name === "order_items")?.schema as Record<string, unknown>;
  const tools = [
    { type: "function" as const, function: { name: "place_order", parameters, strict: true } },
    {
      type: "function" as const,
      function: { name: "get_time", parameters: { type: "object", properties: {} } },
    },
  ];
  for (const tool_choice of ["required", { type: "function", function: { name: "place_order" } }] as const) {
    const r = await t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: [{ role: "user", content: "Order two apples." }],
      tools,
      tool_choice,
      max_tokens: 400,
      seed: 5,
      logit_bias: bias(),
      ...noThinking,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const call = r.choices[0].message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    assert.equal(r.choices[0].finish_reason, "tool_calls");
    const schema = call.function.name === "place_order" ? parameters : tools[1].function.parameters;
    assertValid(call.function.arguments, schema, `${JSON.stringify(tool_choice)}: ${call.function.name}`);
  }
  // a strict function whose schema the grammar cannot enforce is refused
  const refused = await t.post("/v1/chat/completions", {
    messages: [{ role: "user", content: "hi" }],
    tools: [
      {
        type: "function",
        function: { name: "f", strict: true, parameters: { type: "object", minProperties: 1 } },
      },
    ],
    tool_choice: "required",
  });
  assert.deepEqual([refused.status, refused.body.error.param], [400, "tools"]);
  assert.match(refused.body.error.message, /function "f"'s parameters: at \/minProperties/);
});

test("tool_choice auto: every call the model opens to a strict function follows its schema", async () => {
  const parameters = {
    type: "object",
    properties: {
      city: { type: "string", maxLength: 12 },
      days: { type: "integer", minimum: 1, maximum: 9 },
    },
    required: ["city", "days"],
    additionalProperties: false,
  };
  const openCall = t.model.tokenizer.tokenToId("<tool_call>") as number;
  const r = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: [{ role: "user", content: "Weather in Recife?" }],
    tools: [{ type: "function", function: { name: "get_forecast", parameters, strict: true } }],
    max_tokens: 120,
    seed: 9,
    // the random model opens a call at once, and again after each (not ending the answer): every call but
    // a last cut-off one is whole
    logit_bias: { ...bias(), [t.model.tokenizer.tokenToId("<|im_end|>") ?? 0]: 0, [openCall]: 100 },
    ...noThinking,
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const calls = (r.choices[0].message.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
  const whole = r.choices[0].finish_reason === "length" ? calls.slice(0, -1) : calls;
  assert.ok(whole.length >= 1, JSON.stringify(r.choices[0]));
  for (const call of whole) {
    assert.equal(call.function.name, "get_forecast");
    assertValid(call.function.arguments, parameters, "auto");
  }
});
