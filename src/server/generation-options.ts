/**
 * @module From the request fields both endpoints share to the parts of a GenerateRequest: sampling (a
 * fresh seed per choice unless the client gives one), reasoning method, stop strings and token limits
 * checked against the context.
 */
import { randomInt } from "node:crypto";
import {
  type GenerateRequest,
  mediaExtraRows,
  type ReasoningOptions,
  type SamplingParams,
} from "../decoding/index.js";
import { ApiError } from "./errors.js";
import type { CommonRequest } from "./schemas/common.js";

/** What the server decides for requests that leave things out. */
export interface GenerationDefaults {
  reasoning: "swir" | "cot";
  /** Context positions a sequence may use (prompt + output). */
  contextLength: number;
  /**
   * The context's cells divided among the sequences decoded together: how much a request that sets no
   * max_tokens may take (its prompt and answer), so that such requests still run side by side.
   */
  sequenceShare: number;
  /** Token ids run from 0 to vocabSize - 1 (for logit_bias). */
  vocabSize: number;
  /** Thinking budget of requests that set none (`--reasoning-budget`); undefined: no limit. */
  reasoningBudget?: number;
}

/**
 * The answer length of a request that sets no max_tokens: what is left of its share of the context after
 * its prompt, at least a quarter share (a prompt longer than its share still gets room to answer), and
 * never more than the context leaves. Reserving the whole context instead (every request's worst case is
 * held by admission) would make such requests run one at a time.
 */
export function defaultMaxTokens(rows: number, room: number, share: number): number {
  return Math.max(1, Math.min(room, Math.max(share - rows, Math.floor(share / 4))));
}

/** Cache rows a prompt takes: its tokens, each image or video group placeholder counted as its block's rows. */
export function promptRows(request: Pick<GenerateRequest, "prompt" | "media">): number {
  const tokens = Array.isArray(request.prompt) ? request.prompt.length : 0;
  return tokens + mediaExtraRows(request.media ?? []);
}

/**
 * The most cache cells a generation can take: its prompt rows plus its output limit (the last sampled
 * token is never fed back, so this is one more than it can use), capped by `capacity`.
 */
export function worstCaseRows(
  request: Pick<GenerateRequest, "prompt" | "media" | "maxTokens">,
  capacity: number,
): number {
  return Math.min(capacity, promptRows(request) + (request.maxTokens ?? capacity));
}

/**
 * The thinking budgets (reasoning tokens) OpenAI's `reasoning_effort` levels stand for; "xhigh" and "max"
 * set no limit of their own (the server's default applies), "none" turns thinking off instead.
 */
export const EFFORT_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 128,
  low: 512,
  medium: 2048,
  high: 8192,
};

/** The per-request options, minus the prompt; `seed` is the first choice's seed. */
export interface GenerationOptions {
  sampling: Partial<SamplingParams>;
  seed: number;
  reasoning: ReasoningOptions;
  stop: string[];
  /** Explicit max tokens, if the client gave one. */
  maxTokens: number | undefined;
  /** The request field `maxTokens` came from ("max_tokens", "max_output_tokens", ...), for errors. */
  maxTokensField: string;
  /** Tokens the answer is forced to begin with (a tool call that `tool_choice` requires). */
  answerPrefix?: number[];
  /** GBNF grammar the answer must follow (`response_format: json_object`). */
  grammar?: string;
  /** GBNF grammar of each tool call the answer opens (strict functions under tool_choice "auto"). */
  toolCallGrammar?: string;
  /** Most reasoning tokens before the block is closed (see decoding/thinking-budget.ts). */
  thinkingBudget?: number;
  /** At most one tool call per answer (`parallel_tool_calls: false`). */
  singleToolCall?: boolean;
}

/**
 * Reads the shared fields. `maxTokensField` names the field the limit came from (for errors).
 * @example
 * generationOptions({ temperature: 0, stop: "\n" }, undefined, "max_tokens", { reasoning: "swir", contextLength: 4096, vocabSize: 151936 });
 */
export function generationOptions(
  request: CommonRequest,
  maxTokens: number | null | undefined,
  maxTokensField: string,
  defaults: GenerationDefaults,
): GenerationOptions {
  if (maxTokens != null && maxTokens >= defaults.contextLength)
    throw new ApiError(
      400,
      `${maxTokensField}: ${maxTokens} does not fit the context of ${defaults.contextLength} positions`,
      "invalid_request_error",
      maxTokensField,
      "context_length_exceeded",
    );
  const sampling: Partial<SamplingParams> = {};
  const set = <K extends keyof SamplingParams>(key: K, value: SamplingParams[K] | null | undefined) => {
    if (value != null) sampling[key] = value;
  };
  set("temperature", request.temperature);
  set("top_p", request.top_p);
  set("top_k", request.top_k === -1 ? 0 : request.top_k);
  set("min_p", request.min_p);
  set("presence_penalty", request.presence_penalty);
  set("frequency_penalty", request.frequency_penalty);
  set("repetition_penalty", request.repetition_penalty);
  set("logit_bias", logitBias(request.logit_bias, defaults.vocabSize));
  const { method, ...knobs } = request.reasoning ?? { method: defaults.reasoning };
  return {
    sampling,
    seed: request.seed ?? randomInt(2 ** 32 - 1),
    reasoning: method === "cot" ? { method } : { method, ...knobs },
    stop: request.stop == null ? [] : typeof request.stop === "string" ? [request.stop] : request.stop,
    maxTokens: maxTokens ?? undefined,
    maxTokensField,
    thinkingBudget:
      request.thinking_budget ??
      request.thinking_token_budget ??
      EFFORT_BUDGETS[request.reasoning_effort ?? ""] ??
      defaults.reasoningBudget,
  };
}

/** OpenAI's logit_bias (token ids as string keys) as the sampler's map; ids must be in the vocabulary. */
function logitBias(bias: Record<string, number> | null | undefined, vocabSize: number) {
  if (!bias) return undefined;
  const map = new Map(Object.entries(bias).map(([id, value]) => [Number(id), value]));
  for (const id of map.keys())
    if (id >= vocabSize)
      throw new ApiError(
        400,
        `logit_bias: token id ${id} is outside the vocabulary (0..${vocabSize - 1})`,
        "invalid_request_error",
        "logit_bias",
      );
  return map;
}

/**
 * The GenerateRequest of choice `index` for a prompt of `promptLength` tokens; fails with 400 when the
 * prompt leaves no room in the context. Without an explicit limit, the output may fill the context.
 */
export function choiceRequest(
  options: GenerationOptions,
  prompt: number[],
  index: number,
  extra: Pick<GenerateRequest, "signal" | "logprobs" | "media" | "historyEnd">,
  context: Pick<GenerationDefaults, "contextLength" | "sequenceShare">,
  promptField: string,
): GenerateRequest {
  const { contextLength } = context;
  const rows = promptRows({ prompt, media: extra.media });
  const room = contextLength - rows;
  if (room < 1)
    throw new ApiError(
      400,
      `${promptField}: the prompt has ${rows} tokens${extra.media?.length ? " (images and videos included)" : ""}, the context holds ${contextLength}`,
      "invalid_request_error",
      promptField,
      "context_length_exceeded",
    );
  if (options.maxTokens !== undefined && options.maxTokens > room)
    throw new ApiError(
      400,
      `${options.maxTokensField}: ${options.maxTokens} plus the prompt's ${rows} tokens exceed the context of ${contextLength}`,
      "invalid_request_error",
      options.maxTokensField,
      "context_length_exceeded",
    );
  return {
    prompt,
    sampling: { ...options.sampling, seed: (options.seed + index) % 2 ** 32 },
    reasoning: options.reasoning,
    stop: options.stop,
    maxTokens: options.maxTokens ?? defaultMaxTokens(rows, room, context.sequenceShare),
    answerPrefix: options.answerPrefix,
    grammar: options.grammar,
    toolCallGrammar: options.toolCallGrammar,
    thinkingBudget: options.thinkingBudget,
    singleToolCall: options.singleToolCall,
    ...extra,
  };
}

/**
 * Whether an answer may hold only one tool call: `parallel_tool_calls: false` with tools in play (the
 * default, true, lets the model write several, as OpenAI's API does).
 * @example
 * singleToolCall(false, [weatherTool]); // true
 */
export function singleToolCall(
  parallel: boolean | null | undefined,
  tools: readonly unknown[] | undefined,
): boolean {
  return parallel === false && (tools?.length ?? 0) > 0;
}
