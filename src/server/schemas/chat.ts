/**
 * @module The body of POST /v1/chat/completions (OpenAI's fields Rio honours, plus `reasoning` and `rio`;
 * chat's `rio` also names the built-in tools the server should run: `rio.builtin_tools`).
 */
import { z } from "zod";
import { commonFields, guardrailPolicies } from "./common.js";

/** Most messages in one request. */
export const MAX_MESSAGES = 1024;

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
/** OpenAI's image part: `image_url.url` is a data URL or an http(s) URL (a bare string is accepted too). */
const imagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.union([
    z.string().min(1),
    z.looseObject({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
  ]),
});
/** vLLM's video part, same shape as an image part. */
const videoPart = z.looseObject({
  type: z.literal("video_url"),
  video_url: z.union([z.string().min(1), z.looseObject({ url: z.string().min(1) })]),
});
/**
 * OpenAI's file part: `file_data` is a data URL (or bare base64, typed by `filename`); Rio also takes
 * `file_url`, an http(s) URL or a path under a folder the operator allows.
 */
const filePart = z.looseObject({
  type: z.literal("file"),
  file: z.looseObject({
    file_data: z.string().min(1).optional(),
    file_url: z.string().min(1).optional(),
    file_id: z.string().optional(),
    filename: z.string().max(255).optional(),
  }),
});
/** OpenAI's audio part: base64 bytes and their format ("wav", "mp3"; Rio reads any AUDIO_EXTENSIONS format). */
const audioPart = z.looseObject({
  type: z.literal("input_audio"),
  input_audio: z.looseObject({ data: z.string().min(1), format: z.string().min(1) }),
});
const contentPart = z.discriminatedUnion("type", [textPart, imagePart, videoPart, filePart, audioPart]);

const toolCall = z.looseObject({
  id: z.string().optional(),
  type: z.literal("function").optional(),
  function: z.looseObject({
    name: z.string().min(1),
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]),
  }),
});

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  reasoning_content: z.string().nullish(),
  /** vLLM's newer name for `reasoning_content`; either is read. */
  reasoning: z.string().nullish(),
  tool_calls: z.array(toolCall).nullish(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

const tool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
]);

/** The chat request schema. */
export const chatRequestSchema = z.looseObject({
  ...commonFields,
  messages: z.array(message).min(1).max(MAX_MESSAGES),
  max_completion_tokens: z.number().int().min(1).nullish(),
  tools: z.array(tool).max(128).nullish(),
  tool_choice: toolChoice.nullish(),
  /** false: at most one tool call per answer (default true: the model may write several). */
  parallel_tool_calls: z.boolean().nullish(),
  chat_template_kwargs: z.looseObject({ enable_thinking: z.boolean().optional() }).nullish(),
  response_format: z
    .looseObject({
      type: z.string(),
      json_schema: z
        .looseObject({
          name: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
          strict: z.boolean().nullish(),
        })
        .optional(),
    })
    .nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  rio: z
    .strictObject({
      modes: z.boolean().optional(),
      builtin_tools: z.array(z.string().min(1).max(64)).max(16).optional(),
      guardrails: guardrailPolicies,
    })
    .optional(),
});

/** A parsed chat request. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;
/** One parsed chat message. */
export type ChatRequestMessage = ChatRequest["messages"][number];
/** One part of a message's list content. */
export type ChatRequestPart = Extract<NonNullable<ChatRequestMessage["content"]>, unknown[]>[number];
