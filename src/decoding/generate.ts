/**
 * @module generate(): one request from messages (or a raw prompt) to a stream of decoding steps, with
 * plain sampling ("cot") or SwiReasoning ("swir"). A thin loop: the scheduler's step gives a logits row,
 * the request's controller decides the token and the next input, and the input goes back as an embedding
 * (a token's row, or a soft mixture).
 */
import type { RioModel, Scheduler } from "../engine/index.js";
import { type ChatMessage, IMAGE_PAD, VIDEO_PAD } from "../tokenizer/index.js";
import { AnswerPrefixController, type AnswerStart } from "./answer-prefix.js";
import { ConstrainedSampler, type TokenConstraint } from "./constrained-sampler.js";
import type { DecodingController, StopReason } from "./controller.js";
import { CotController } from "./cot-controller.js";
import { type TokenLogprob, tokenLogprob } from "./logprobs.js";
import { type MediaItem, mediaPrompt, withVideoTimestamps } from "./media-prompt.js";
import { type FedInput, MEAN_ROW_ID } from "./mixture.js";
import { Sampler } from "./sampler.js";
import { type SamplingParams, samplingDefaults, stopTokenIds } from "./sampling-params.js";
import { StopStringMatcher } from "./stop-strings.js";
import { SwiReasoningController } from "./swir-controller.js";
import { type SwirParams, swirParams } from "./swir-params.js";
import { swirVocabFor } from "./swir-vocab-cache.js";
import { ThinkingBudgetController } from "./thinking-budget.js";
import { TriggeredConstraint } from "./triggered-constraint.js";

/** SwiReasoning or plain chain-of-thought, with SwiReasoning's knobs. */
export type ReasoningOptions =
  | { method: "cot" }
  | ({ method: "swir" } & Partial<Omit<SwirParams, "max_new_tokens" | "stop_token_ids">>);

/** One generation request. Give `messages` (rendered with the model's chat template) or `prompt`. */
export interface GenerateRequest {
  messages?: ChatMessage[];
  /** A raw prompt: text (encoded as plain text, no special tokens) or token ids. */
  prompt?: string | number[];
  tools?: object[];
  /**
   * The images and videos of the messages' image and video parts, in order, as the model's vision encoder
   * made them: an image takes the place of its `<|image_pad|>`; a video part is written with its groups'
   * timestamps (taken from here unless the part has its own) and each group takes one `<|video_pad|>`.
   */
  media?: MediaItem[];
  /** Chat template's enable_thinking (default true). */
  enableThinking?: boolean;
  /** Sampling overrides; the rest comes from the model's generation_config.json. */
  sampling?: Partial<SamplingParams>;
  reasoning?: ReasoningOptions;
  /** Most tokens to generate (default 2048). */
  maxTokens?: number;
  /** Text that ends the answer (not included in it). */
  stop?: string[];
  /** Extra token ids that end the answer (the model's EOS ids do too, unless ignoreEos). */
  stopTokenIds?: number[];
  /** Keep generating through EOS tokens until maxTokens (benchmarks). */
  ignoreEos?: boolean;
  /** Cancels the request; its sequence is freed at once. */
  signal?: AbortSignal;
  /** When set, each step carries its token's log-probability and this many top alternatives (0 for none). */
  logprobs?: number;
  /**
   * Token ids the answer is forced to begin with, once the reasoning block closes (at once when the prompt
   * closed it): e.g. `<tool_call>` and the opening of a call, for a tool choice the model must follow.
   */
  answerPrefix?: number[];
  /**
   * A GBNF grammar (llama.cpp's format) the answer must follow once the reasoning block closes, e.g.
   * JSON_GRAMMAR; the reasoning itself stays free.
   */
  grammar?: string;
  /**
   * A GBNF grammar of one tool call, from the token after `<tool_call>` through `</tool_call>`: applied
   * lazily, to every call the answer opens (and to nothing else), unless `grammar` is set.
   */
  toolCallGrammar?: string;
  /**
   * Most tokens the reasoning block may take: at the limit the block is closed as the chat template
   * closes it (`\n</think>\n\n`) and the answer follows (see thinking-budget.ts).
   */
  thinkingBudget?: number;
  /**
   * For a prompt given as token ids: where its chat history ends and the generation prompt begins
   * (preparePrompt returns it). Models with recurrent state keep their state there in the prefix cache,
   * which the next turn of the chat resumes from; for `messages` it is found here.
   */
  historyEnd?: number;
  /**
   * End the generation as soon as a tool call closes (`</tool_call>` outside the reasoning): at most one
   * call per answer, as OpenAI's `parallel_tool_calls: false` asks.
   */
  singleToolCall?: boolean;
}

/** How a tool call ends in both of the family's formats (JSON and XML). */
const CALL_END = "</tool_call>";

/** One decoding step as generate() yields it. */
export interface GenerateStep {
  /** 0-based step index (every step emits a token, latent steps included). */
  index: number;
  tokenId: number;
  /** Text this step completes (whole UTF-8 characters; may be empty). */
  text: string;
  /** Controller mode after this step's transition. */
  mode: "latent" | "explicit";
  /** What goes back in as the next input. */
  fed: "token" | "mixture";
  entropy: number | null;
  refEntropy: number | null;
  switched: "to_explicit" | "to_latent" | null;
  /** True when an injected token replaced the sampled one. */
  forced: boolean;
  /** Present when the request asked for logprobs: computed from the raw logits row of this step. */
  logprob?: TokenLogprob;
}

/** Why a generation ended: model EOS, a stop string, the token limit, the SwiReasoning answer budget, or cancellation. */
export type FinishReason = "eos" | "stop" | "length" | "answer_budget" | "aborted";

/** The summary generate() returns when it ends. */
export interface GenerateSummary {
  promptTokens: number;
  tokens: number;
  /** Tokens of the reasoning block, `</think>` included (0 when the prompt closed it). */
  reasoningTokens: number;
  latentSteps: number;
  switches: number;
  stopReason: FinishReason;
  /** Milliseconds waiting for a sequence, feeding the prompt, and decoding. */
  timings: { queueMs: number; prefillMs: number; decodeMs: number; decodeTokensPerSecond: number };
}

const STOP_REASONS: Record<StopReason, FinishReason> = {
  eos: "eos",
  max_tokens: "length",
  answer_budget: "answer_budget",
};

/**
 * Runs one request on a shared scheduler; iterate the steps, the return value is the summary.
 * @example
 * for await (const step of generate(model, scheduler, { messages: [{ role: "user", content: "2+2?" }], reasoning: { method: "swir" } }))
 *   process.stdout.write(step.text);
 */
export async function* generate(
  model: RioModel,
  scheduler: Scheduler,
  request: GenerateRequest,
): AsyncGenerator<GenerateStep, GenerateSummary> {
  const prompt = promptTokens(model, request);
  const placeholders = {
    image: model.tokenizer.tokenToId(IMAGE_PAD),
    video: model.tokenizer.tokenToId(VIDEO_PAD),
  };
  const fed = mediaPrompt(prompt, placeholders, request.media ?? []);
  const maxTokens = request.maxTokens ?? 2048;
  const eosIds = request.ignoreEos
    ? []
    : [...stopTokenIds(model.generationConfig, "generation_config.json"), ...model.tokenizer.specialIds.eos];
  const stopIds = [...new Set([...eosIds, ...(request.stopTokenIds ?? [])])];
  const plainSampler = new Sampler(
    { ...samplingDefaults(model.generationConfig, "generation_config.json"), ...request.sampling },
    { promptTokens: prompt },
  );
  const answerStart: AnswerStart = {
    thinkEnd: model.tokenizer.specialIds.thinkEnd,
    answerFirst: lastContentToken(model, prompt) === model.tokenizer.specialIds.thinkEnd,
  };
  const method = makeController(model, request.reasoning ?? { method: "cot" }, {
    max_new_tokens: maxTokens,
    stop_token_ids: stopIds,
  });
  const budgeted =
    request.thinkingBudget === undefined
      ? method
      : new ThinkingBudgetController(
          method,
          { budget: request.thinkingBudget, closing: reasoningClosing(model, request) },
          answerStart,
          maxTokens,
        );
  const controller = request.answerPrefix?.length
    ? forceAnswerPrefix(model, answerStart, budgeted, request.answerPrefix, maxTokens)
    : budgeted;
  // parsed before the sequence is taken: a bad grammar fails the request up front
  const grammar = answerConstraint(model, request, eosIds);
  const sampler = grammar ? new ConstrainedSampler(plainSampler, grammar, answerStart) : plainSampler;
  const text = model.tokenizer.createStreamDecoder({ skipSpecialTokens: true });
  const stops = new StopStringMatcher(request.stop ?? []);
  const started = performance.now();
  const lease = await scheduler.acquire(request.signal).catch((error) => {
    grammar?.free();
    throw error;
  });
  const onAbort = () => lease.release();
  request.signal?.addEventListener("abort", onAbort);
  const queued = performance.now();
  let decodeStart = queued;
  const summary = {
    promptTokens: fed.rows,
    tokens: 0,
    reasoningTokens: 0,
    latentSteps: 0,
    switches: 0,
    stopReason: "aborted" as FinishReason,
  };
  let reasoningOpen = !answerStart.answerFirst;
  // the answer's last characters, while a single tool call is allowed (singleToolCall)
  let answerTail = "";
  try {
    let logits = await lease.prefill(fed.parts, {
      checkpoint: request.messages ? historyEnd(model, request, prompt) : request.historyEnd,
    });
    decodeStart = performance.now();
    for (let index = 0; ; index++) {
      const r = controller.step(logits, sampler);
      summary.tokens++;
      if (reasoningOpen) {
        summary.reasoningTokens++;
        reasoningOpen = r.tokenId !== answerStart.thinkEnd;
      }
      if (r.fed.kind === "mixture") summary.latentSteps++;
      if (r.switched === "to_explicit") summary.switches++;
      const piece = text.push(r.tokenId);
      const shown = stops.push(piece);
      // a closed call ends the answer as the model's end-of-turn would (finish_reason "tool_calls"); the
      // text, not the token id: under a call grammar the close may come spelled in ordinary tokens
      if (request.singleToolCall && !reasoningOpen)
        answerTail = (answerTail + piece).slice(-2 * CALL_END.length);
      const callClosed = answerTail.includes(CALL_END);
      const stopReason: FinishReason | null = shown.stopped
        ? "stop"
        : (r.stop && STOP_REASONS[r.stop]) || (callClosed ? "eos" : null);
      yield {
        index,
        tokenId: r.tokenId,
        text:
          shown.text + (stopReason && !shown.stopped ? stops.push(text.finish()).text + stops.flush() : ""),
        mode: r.mode,
        fed: r.fed.kind === "token" ? "token" : "mixture",
        entropy: r.entropy,
        refEntropy: r.refEntropy,
        switched: r.switched,
        forced: r.forced,
        ...(request.logprobs !== undefined && {
          logprob: tokenLogprob(logits, r.tokenId, request.logprobs, model.tokenizer.vocabSize),
        }),
      };
      if (stopReason) {
        summary.stopReason = stopReason;
        break;
      }
      logits = await lease.decode(inputVector(model, r.fed), r.fed.kind === "token" ? r.fed.id : undefined);
    }
  } catch (error) {
    if (!request.signal?.aborted) throw error;
  } finally {
    request.signal?.removeEventListener("abort", onAbort);
    lease.release();
    grammar?.free();
  }
  const end = performance.now();
  const decodeMs = end - decodeStart;
  return {
    ...summary,
    timings: {
      queueMs: queued - started,
      prefillMs: decodeStart - queued,
      decodeMs,
      decodeTokensPerSecond: summary.tokens / (decodeMs / 1000),
    },
  };
}

function promptTokens(model: RioModel, request: GenerateRequest): number[] {
  if (request.messages && request.prompt !== undefined)
    throw new Error("generate: give either messages or prompt, not both");
  if (request.messages)
    return model.tokenizer.encodeChat(withVideoTimestamps(request.messages, request.media ?? []), {
      tools: request.tools,
      addGenerationPrompt: true,
      enableThinking: request.enableThinking,
    });
  if (typeof request.prompt === "string") return model.tokenizer.encode(request.prompt);
  if (Array.isArray(request.prompt)) return request.prompt;
  throw new Error("generate: a request needs messages or a prompt");
}

/**
 * Where a chat prompt's messages end and its generation prompt begins: the next turn of the chat starts
 * with these tokens, so the prefix cache keeps the state there. Only for models with recurrent state,
 * which resume only from states kept at exact positions (attention models reuse any cached prefix), and
 * only for text prompts. Undefined when the messages do not render to a prefix of the prompt.
 */
function historyEnd(model: RioModel, request: GenerateRequest, prompt: number[]): number | undefined {
  if (!model.llama.recurrent || !request.messages || request.media?.length) return undefined;
  const history = model.tokenizer.encodeChat(request.messages, {
    tools: request.tools,
    addGenerationPrompt: false,
    enableThinking: request.enableThinking,
  });
  const n = history.length;
  return n > 0 && n < prompt.length && history.every((id, i) => id === prompt[i]) ? n : undefined;
}

/**
 * The request's prompt tokens, whether the prompt itself opened a reasoning block (a template that
 * ends the generation prompt with `<think>`, as Qwen3.5's do: then the output starts inside the
 * reasoning and only `</think>` will appear), and where its chat history ends (see
 * GenerateRequest.historyEnd; undefined where the prefix cache keeps no checkpoint).
 */
export function preparePrompt(
  model: RioModel,
  request: GenerateRequest,
): { tokens: number[]; opensReasoning: boolean; historyEnd?: number } {
  const tokens = promptTokens(model, request);
  return {
    tokens,
    opensReasoning: lastContentToken(model, tokens) === model.tokenizer.specialIds.thinkStart,
    historyEnd: historyEnd(model, request, tokens),
  };
}

/**
 * `method` with the answer forced to begin with `prefix`: at once when the prompt closed the reasoning
 * block (thinking off), else after `</think>` and the blank line the chat template puts there.
 */
function forceAnswerPrefix(
  model: RioModel,
  start: AnswerStart,
  method: DecodingController,
  prefix: number[],
  maxTokens: number,
): DecodingController {
  const opening = start.answerFirst ? prefix : [...model.tokenizer.encode("\n\n"), ...prefix];
  return new AnswerPrefixController(method, opening, start, maxTokens);
}

/**
 * How a thinking budget closes the block: `\n</think>\n\n` as the chat template writes it; without the blank
 * line when an answer prefix (which brings its own) or a grammar (which decodes from `</think>` on) follows.
 */
function reasoningClosing(model: RioModel, request: GenerateRequest): number[] {
  const close = [...model.tokenizer.encode("\n"), model.tokenizer.specialIds.thinkEnd];
  return request.answerPrefix?.length || request.grammar !== undefined
    ? close
    : [...close, ...model.tokenizer.encode("\n\n")];
}

/**
 * The constraint of the answer: the request's grammar throughout, or its tool-call grammar in each call
 * (from `<tool_call>` on); undefined when the answer is free. A grammar that does not parse throws here.
 */
function answerConstraint(
  model: RioModel,
  request: GenerateRequest,
  ends: number[],
): (TokenConstraint & { free(): void }) | undefined {
  if (request.grammar !== undefined) return model.llama.grammar(request.grammar);
  const callGrammar = request.toolCallGrammar;
  if (callGrammar === undefined) return undefined;
  const open = model.tokenizer.tokenToId("<tool_call>");
  if (open === undefined)
    throw new Error("generate: toolCallGrammar needs a tokenizer with a <tool_call> token");
  model.llama.grammar(callGrammar).free();
  return new TriggeredConstraint(open, () => model.llama.grammar(callGrammar), ends);
}

/** The prompt's last token that is not whitespace (undefined when there is none). */
function lastContentToken(model: RioModel, tokens: number[]): number | undefined {
  let last = tokens.length - 1;
  while (last >= 0 && model.tokenizer.decode([tokens[last]]).trim() === "") last--;
  return tokens[last];
}

function makeController(
  model: RioModel,
  reasoning: ReasoningOptions,
  stop: { max_new_tokens: number; stop_token_ids: number[] },
): DecodingController {
  if (reasoning.method === "cot") return new CotController(stop);
  if (reasoning.method !== "swir")
    throw new Error(
      `reasoning.method must be "swir" or "cot", got ${JSON.stringify((reasoning as { method: unknown }).method)}`,
    );
  const { method: _, ...knobs } = reasoning;
  return new SwiReasoningController(swirParams({ ...knobs, ...stop }), swirVocabFor(model.tokenizer));
}

/** The next input vector: the token's embedding row, or the soft mixture of rows. */
function inputVector(model: RioModel, fed: FedInput): Float32Array {
  const rows = model.embeddings;
  if (fed.kind === "token") return rows.row(fed.id);
  const ids: number[] = [];
  const weights: number[] = [];
  let meanWeight = 0;
  for (const { id, weight } of fed.terms) {
    if (id === MEAN_ROW_ID) meanWeight += weight;
    else if (weight !== 0) {
      ids.push(id);
      weights.push(weight);
    }
  }
  return rows.mix(ids, weights, meanWeight);
}
