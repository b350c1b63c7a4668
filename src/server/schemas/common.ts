/**
 * @module Request fields shared by /v1/chat/completions and /v1/completions: sampling, limits, stop,
 * streaming, SwiReasoning controls and Rio's extension. Unknown fields are accepted and ignored, as
 * OpenAI clients send fields Rio has no use for (user, metadata, ...).
 */
import { z } from "zod";

/** `reasoning`: SwiReasoning or plain chain-of-thought, with SwiReasoning's knobs. */
export const reasoningSchema = z.strictObject({
  method: z.enum(["swir", "cot"]),
  alpha0: z.number().min(0).max(1).optional(),
  beta0: z.number().min(0).max(1).optional(),
  window: z.number().int().min(0).optional(),
  max_switch_count: z.number().int().min(1).optional(),
});

/** Most entries in `stop`. */
export const MAX_STOP_STRINGS = 16;
/** Most choices per prompt. */
export const MAX_CHOICES = 16;
/** Most logit_bias entries (OpenAI's own limit). */
export const MAX_LOGIT_BIAS = 300;

/** Named policies a request adds to its key's rails. */
export const guardrailPolicies = z.array(z.string().min(1).max(64)).max(8).optional();

/** The sampling and control fields both endpoints accept. */
export const commonFields = {
  model: z.string().optional(),
  max_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  top_k: z.number().int().min(-1).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  repetition_penalty: z.number().gt(0).nullish(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullish(),
  n: z.number().int().min(1).max(MAX_CHOICES).nullish(),
  stop: z
    .union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(MAX_STOP_STRINGS)])
    .nullish(),
  logit_bias: z
    .record(z.string().regex(/^\d{1,9}$/, "keys must be token ids"), z.number().min(-100).max(100))
    .refine((bias) => Object.keys(bias).length <= MAX_LOGIT_BIAS, `at most ${MAX_LOGIT_BIAS} entries`)
    .nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  reasoning: reasoningSchema.optional(),
  /** Most tokens of reasoning before the block is closed and the answer follows. */
  thinking_budget: z.number().int().min(1).nullish(),
  /** vLLM's name for thinking_budget. */
  thinking_token_budget: z.number().int().min(1).nullish(),
  /** OpenAI's effort levels, as thinking budgets (EFFORT_BUDGETS); "none" turns thinking off. */
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]).nullish(),
  /**
   * Rio's extension: `modes: true` adds each token's SwiReasoning mode to the response; `guardrails` names
   * policies of the server's policy file to add to the key's rails (stricter only).
   */
  rio: z.strictObject({ modes: z.boolean().optional(), guardrails: guardrailPolicies }).optional(),
};

/** The common fields, parsed. */
export type CommonRequest = z.infer<z.ZodObject<typeof commonFields>>;
