// Forced and strict tool calls of Qwen3.5 (the XML call format) through the real server: a tiny random
// model writes garbage, so only the grammar made from the function's parameter schema can make its calls
// parse and validate (ajv). Raw text values end only where the model writes `\n</parameter>`; the biases
// below make it do so soon, and end the answer once the grammar is done.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import type OpenAI from "openai";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
before(async () => {
  t = await startTinyServer({ makeModel: (out) => makeTinyModel({ arch: "qwen3_5", out, seed: 13 }) });
});
after(() => t?.close());

const forecast = {
  type: "object",
  properties: {
    city: { type: "string", description: "where" },
    days: { type: "integer", minimum: 1, maximum: 14 },
    units: { enum: ["metric", "imperial"] },
    hourly: { type: "array", items: { type: "boolean" }, maxItems: 3 },
    area: { type: "object", properties: { km: { $ref: "#/$defs/km" } }, required: ["km"] },
  },
  required: ["city", "days", "units", "hourly", "area"],
  additionalProperties: false,
  $defs: { km: { type: "number", minimum: 0 } },
};
const tools = [
  { type: "function" as const, function: { name: "get_forecast", parameters: forecast, strict: true } },
  {
    type: "function" as const,
    function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } },
  },
];
/** A small strict function: a grammar-led call takes ~40 tokens of the random model (each masks 248k tokens). */
const days = {
  type: "object",
  properties: { city: { type: "string" }, days: { type: "integer", minimum: 1, maximum: 9 } },
  required: ["city", "days"],
  additionalProperties: false,
};
const small = [
  { type: "function" as const, function: { name: "count_days", parameters: days, strict: true } },
  tools[1],
];

function bias(): Record<number, number> {
  const id = (text: string) => {
    const ids = t.model.tokenizer.encode(text);
    assert.equal(ids.length, 1, `${JSON.stringify(text)} is one token`);
    return ids[0];
  };
  return { [t.model.tokenizer.tokenToId("<|im_end|>") ?? 0]: 100, [id("</")]: 100, [id("\n")]: 50 };
}

test("XML format: forced calls' parameters follow the schema (named and required)", async (c) => {
  const ajv = new Ajv2020({ strict: false });
  // the named call has every kind of parameter; "required" picks between a small strict and a loose function
  for (const [i, [offered, tool_choice]] of [
    [tools, { type: "function", function: { name: "get_forecast" } }],
    [small, "required"],
  ].entries()) {
    const r = await t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: [{ role: "user", content: "Weather in Recife for three days?" }],
      tools: offered,
      tool_choice,
      max_tokens: 300,
      seed: 20 + i,
      logit_bias: bias(),
      reasoning: { method: "cot" },
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const choice = r.choices[0];
    c.diagnostic(`${JSON.stringify(tool_choice)}: ${r.usage?.completion_tokens} tokens`);
    assert.equal(choice.finish_reason, "tool_calls", JSON.stringify(choice.message));
    const call = choice.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    const schema = [...tools, ...small].find((tool) => tool.function.name === call.function.name)?.function
      .parameters;
    assert.ok(schema, call.function.name);
    const validate = ajv.compile(schema);
    const args = JSON.parse(call.function.arguments);
    assert.ok(validate(args), `${call.function.arguments}: ${JSON.stringify(validate.errors)}`);
  }
});

test("XML format: a strict function whose schema raw text cannot follow is refused, naming the keyword", async () => {
  const refused = await t.post("/v1/chat/completions", {
    messages: [{ role: "user", content: "hi" }],
    tools: [
      {
        type: "function",
        function: {
          name: "f",
          strict: true,
          parameters: { type: "object", properties: { code: { type: "string", maxLength: 4 } } },
        },
      },
    ],
    tool_choice: "required",
  });
  assert.deepEqual([refused.status, refused.body.error.param], [400, "tools"]);
  assert.match(refused.body.error.message, /function "f"'s parameters: at \/properties\/code\/maxLength/);
});

test("XML format, tool_choice auto: every call the model opens to a strict function follows its schema", async () => {
  const openCall = t.model.tokenizer.tokenToId("<tool_call>") as number;
  const imEnd = t.model.tokenizer.tokenToId("<|im_end|>") as number;
  const r = await t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: [{ role: "user", content: "Weather in Recife for three days?" }],
    tools: [small[0]],
    max_tokens: 120,
    seed: 4,
    // the random model opens a call at once, and again after each: every call but a last cut-off one is whole
    logit_bias: { ...bias(), [imEnd]: 0, [openCall]: 100 },
    reasoning: { method: "cot" },
    chat_template_kwargs: { enable_thinking: false },
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  const calls = (r.choices[0].message.tool_calls ?? []) as OpenAI.ChatCompletionMessageFunctionToolCall[];
  const whole = r.choices[0].finish_reason === "length" ? calls.slice(0, -1) : calls;
  assert.ok(whole.length >= 1, JSON.stringify(r.choices[0]));
  const validate = new Ajv2020({ strict: false }).compile(days);
  for (const call of whole)
    assert.ok(
      validate(JSON.parse(call.function.arguments)),
      `${call.function.arguments}: ${JSON.stringify(validate.errors)}`,
    );
});
