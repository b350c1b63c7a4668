/**
 * @module The body of POST /v1/responses: OpenAI's Responses API fields Rio honours, the sampling
 * extensions chat completions also takes (top_k, min_p, penalties, seed, logit_bias, stop), and
 * SwiReasoning's knobs inside `reasoning`. Input items are parsed into one canonical shape (unknown item
 * keys dropped), which is also what the response store keeps.
 */
import { z } from "zod";
import { BUILTIN_TOOL_NAMES } from "../../tools/index.js";
import { commonFields, reasoningSchema } from "../schemas/common.js";

/** Most input items in one request. */
export const MAX_INPUT_ITEMS = 1024;
/** Most tools in one request. */
export const MAX_TOOLS = 128;

const textPart = z.object({ type: z.enum(["input_text", "output_text"]), text: z.string() });

/**
 * OpenAI's input_file part (a data URL or base64 in `file_data`, or `file_url`); the route replaces it with
 * the file's text before anything else sees the input, so stored conversations hold text.
 */
const filePart = z.object({
  type: z.literal("input_file"),
  file_data: z.string().min(1).optional(),
  file_url: z.string().min(1).optional(),
  file_id: z.string().optional(),
  filename: z.string().max(255).optional(),
});

/**
 * OpenAI's input_image part: `image_url` a data URL or an http(s) URL (fetched under the fetch policy). A
 * model with a vision encoder sees it; a model without one reads it by OCR when the server has OCR.
 */
const imagePart = z.object({
  type: z.literal("input_image"),
  image_url: z.string().min(1).optional(),
  file_id: z.string().nullish(),
  detail: z.enum(["low", "high", "auto"]).optional(),
});

const messageItem = z.object({
  type: z.literal("message"),
  role: z.enum(["user", "system", "developer", "assistant"]),
  content: z.union([
    z.string(),
    z.array(z.discriminatedUnion("type", [textPart, filePart, imagePart])).max(MAX_INPUT_ITEMS),
  ]),
});

const functionCallItem = z.object({
  type: z.literal("function_call"),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

const functionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.object({ type: z.literal("input_text"), text: z.string() }))]),
});

/** A reasoning item sent back (stateless clients echo the previous output): its text becomes the next turn's reasoning. */
const reasoningItem = z.object({
  type: z.literal("reasoning"),
  summary: z.array(z.object({ text: z.string() })).default([]),
  content: z.array(z.object({ text: z.string() })).optional(),
});

/** Rio's part of a built-in call item: the call the model wrote and the text it read back. */
const rioCall = z.object({
  tool: z.enum(BUILTIN_TOOL_NAMES),
  arguments: z.string(),
  output: z.string().nullable(),
});

/** A code run sent back (a stateless client echoes the previous output): the call and its result. */
const codeInterpreterCallItem = z.object({
  type: z.literal("code_interpreter_call"),
  id: z.string().min(1),
  code: z.string().nullish(),
  outputs: z.array(z.looseObject({ logs: z.string().optional() })).nullish(),
  rio: rioCall.optional(),
});

/** A web search or page read sent back. */
const webSearchCallItem = z.object({
  type: z.literal("web_search_call"),
  id: z.string().min(1),
  action: z
    .looseObject({ type: z.string(), query: z.string().optional(), url: z.string().nullish() })
    .optional(),
  rio: rioCall.optional(),
});

/** An item without `type` is a message, as OpenAI's EasyInputMessage. */
const inputItem = z.preprocess(
  (item) =>
    item !== null && typeof item === "object" && !Array.isArray(item) && !("type" in item)
      ? { ...item, type: "message" }
      : item,
  z.discriminatedUnion("type", [
    messageItem,
    functionCallItem,
    functionCallOutputItem,
    reasoningItem,
    codeInterpreterCallItem,
    webSearchCallItem,
  ]),
);

/** A plain string is one user message; parsing it here keeps errors about items pointing at `input.N.field`. */
const input = z.preprocess(
  (value) => (typeof value === "string" ? [{ type: "message", role: "user", content: value }] : value),
  z.array(inputItem).min(1).max(MAX_INPUT_ITEMS),
);

/**
 * Tools are checked by type in tools.ts, where built-in types get their own refusal; here only their
 * shape. A function tool's fields are OpenAI's flat ones (no `function` wrapper).
 */
const tool = z.looseObject({
  type: z.string(),
  name: z.string().min(1).optional(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const toolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.looseObject({ type: z.string(), name: z.string().optional() }),
]);

/** OpenAI's `reasoning` plus Rio's method and SwiReasoning knobs (the ones chat completions takes). */
const reasoning = z.strictObject({
  effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]).nullish(),
  summary: z.enum(["auto", "concise", "detailed"]).nullish(),
  generate_summary: z.enum(["auto", "concise", "detailed"]).nullish(),
  context: z.string().nullish(),
  mode: z.string().optional(),
  ...reasoningSchema.partial().shape,
});

/** OpenAI's metadata: at most 16 pairs, keys up to 64 characters, values up to 512. */
const metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((pairs) => Object.keys(pairs).length <= 16, "at most 16 pairs");

/** The Responses request schema. */
export const responsesRequestSchema = z.looseObject({
  model: commonFields.model,
  input,
  instructions: z.string().nullish(),
  tools: z.array(tool).max(MAX_TOOLS).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: reasoning.nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: commonFields.temperature,
  top_p: commonFields.top_p,
  top_k: commonFields.top_k,
  min_p: commonFields.min_p,
  presence_penalty: commonFields.presence_penalty,
  frequency_penalty: commonFields.frequency_penalty,
  repetition_penalty: commonFields.repetition_penalty,
  seed: commonFields.seed,
  logit_bias: commonFields.logit_bias,
  stop: commonFields.stop,
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  conversation: z.unknown().optional(),
  metadata: metadata.nullish(),
  text: z
    .looseObject({
      format: z
        .looseObject({
          type: z.string(),
          name: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        })
        .nullish(),
    })
    .nullish(),
  user: z.string().optional(),
});

/** A parsed Responses request. */
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;
/** One parsed input item. */
export type InputItem = ResponsesRequest["input"][number];
/** One request tool, as parsed (before tools.ts sorts function tools from built-in ones). */
export type RequestTool = NonNullable<ResponsesRequest["tools"]>[number];
