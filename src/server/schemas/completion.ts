/** @module The body of POST /v1/completions: a raw prompt (text, texts, or token ids), no chat template. */
import { z } from "zod";
import { commonFields } from "./common.js";

/** Most prompts in one request. */
export const MAX_PROMPTS = 16;

const tokenIds = z.array(z.number().int().min(0)).min(1);

/** The completion request schema. */
export const completionRequestSchema = z.looseObject({
  ...commonFields,
  prompt: z.union([
    z.string(),
    z.array(z.string()).min(1).max(MAX_PROMPTS),
    tokenIds,
    z.array(tokenIds).min(1).max(MAX_PROMPTS),
  ]),
  logprobs: z.number().int().min(0).max(20).nullish(),
  echo: z.literal(false).nullish(),
  suffix: z.null().optional(),
});

/** A parsed completion request. */
export type CompletionRequest = z.infer<typeof completionRequestSchema>;
