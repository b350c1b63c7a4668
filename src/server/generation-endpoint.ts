/**
 * @module The request flow the generating endpoints share: model name check, prompt length checks,
 * admission (429 beyond the limit), cancellation when the client disconnects, then (chat and completions)
 * a streamed or whole response.
 */
import { randomBytes } from "node:crypto";
import type { FastifyReply } from "fastify";
import type { MediaItem } from "../decoding/index.js";
import type { Ticket } from "./admission.js";
import type { ChoiceFields, ChoiceFormat, EndpointFormat, StepFormat } from "./choice-format.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import { choiceRequest, type GenerationOptions, promptRows } from "./generation-options.js";
import { checkModelAllowed, keyOf } from "./guard.js";
import { streamResponse, wholeResponse } from "./respond.js";
import { type ChoiceJob, type ChoiceRunner, type RunContext, runChoice } from "./run-choice.js";
import type { CommonRequest } from "./schemas/common.js";

/**
 * A prompt ready to run: its tokens, whether it opened the think block, its images and videos (in order),
 * and where its chat history ends (GenerateRequest.historyEnd).
 */
export interface PreparedPrompt {
  tokens: number[];
  opensReasoning: boolean;
  media?: MediaItem[];
  historyEnd?: number;
}

/** What an endpoint hands to the shared flow. */
export interface GenerationSpec<Format extends ChoiceFormat = ChoiceFormat> {
  format: EndpointFormat;
  common: CommonRequest;
  options: GenerationOptions;
  prompts: PreparedPrompt[];
  /** The request field holding the prompt, for errors ("messages" / "prompt"). */
  promptField: string;
  /** Top alternatives per token when logprobs were asked for. */
  logprobs: number | undefined;
  choiceFormat(prompt: PreparedPrompt): Format;
  /** How each choice runs; one generation (runChoice) unless built-in tools make it an agent's answer. */
  run?: ChoiceRunner<Format, ChoiceFields>;
}

/** Client went away: its generations stop and free their sequences (499, as nginx logs it). */
class ClientDisconnected extends ApiError {
  constructor() {
    super(499, "the client disconnected", "invalid_request_error", null, "client_disconnected");
  }
}

/** Fails with 404 when the request names a model this server does not serve. */
export function checkModelName(server: ServerContext, model: string | undefined): void {
  if (model !== undefined && model !== server.modelName)
    throw new ApiError(
      404,
      `the model ${JSON.stringify(model)} does not exist; this server serves ${JSON.stringify(server.modelName)}`,
      "invalid_request_error",
      "model",
      "model_not_found",
    );
}

/**
 * Runs the request's choices (prompts x n) and answers; returns the body for a whole response, or
 * undefined once a stream has been sent.
 * @example
 * return serveGeneration(server, reply, { format: CHAT, common, options, prompts, promptField: "messages", logprobs: undefined, choiceFormat });
 */
export async function serveGeneration<Format extends ChoiceFormat>(
  server: ServerContext,
  reply: FastifyReply,
  spec: GenerationSpec<Format>,
): Promise<unknown> {
  checkModelName(server, spec.common.model);
  checkModelAllowed(reply.request, server.modelName);
  const n = spec.common.n ?? 1;
  const run = countedTokens<Format, ChoiceFields>(server, reply, spec.run ?? runChoice);
  const jobs: ChoiceJob<Format>[] = spec.prompts.flatMap((prompt, p) =>
    Array.from({ length: n }, (_, i) => ({
      index: p * n + i,
      request: {
        ...choiceRequest(
          spec.options,
          prompt.tokens,
          p * n + i,
          { logprobs: spec.logprobs, media: prompt.media, historyEnd: prompt.historyEnd },
          server.defaults,
          spec.promptField,
        ),
        prompt: prompt.tokens,
      },
      format: spec.choiceFormat(prompt),
    })),
  );
  return admitted(server, reply, jobs.length, async (ticket) => {
    for (const job of jobs) job.request.signal = ticket.signal;
    const ctx = runContext(server);
    const head = {
      id: `${spec.format.idPrefix}-${randomBytes(12).toString("hex")}`,
      created: Math.floor(Date.now() / 1000),
      model: server.modelName,
    };
    const promptTokens = jobs.reduce((sum, job, i) => sum + (i % n === 0 ? promptRows(job.request) : 0), 0);
    if (!spec.common.stream) return await wholeResponse(ctx, spec.format, head, jobs, { promptTokens, run });
    reply.hijack();
    await streamResponse(reply.raw, ctx, spec.format, head, jobs, {
      promptTokens,
      run,
      includeUsage: spec.common.stream_options?.include_usage === true,
      onError: (error) => ticket.abort(asError(error)),
    });
    return undefined;
  });
}

/**
 * Runs `work` as one admitted request of `generations` generations, for every generating endpoint: 429
 * (or 503 while draining) beyond the limit, the ticket's signal fires when the client disconnects, a
 * failure cancels whatever still runs, and the slot is freed at the end.
 * @example
 * return admitted(server, reply, 1, async (ticket) => runChoice(runContext(server), { ...job, request: { ...job.request, signal: ticket.signal } }, emit));
 */
export async function admitted<T>(
  server: ServerContext,
  reply: FastifyReply,
  generations: number,
  work: (ticket: Ticket) => Promise<T>,
): Promise<T> {
  const ticket = server.admission.admit(generations);
  reply.raw.on("close", () => {
    if (!reply.raw.writableFinished) ticket.abort(new ClientDisconnected());
  });
  try {
    return await work(ticket);
  } catch (error) {
    ticket.abort(asError(error));
    throw error;
  } finally {
    ticket.done();
  }
}

/** `run`, its choices' prompt and generated tokens counted against the key's tokens-per-minute limit. */
export function countedTokens<Format extends StepFormat<F>, F>(
  server: ServerContext,
  reply: FastifyReply,
  run: ChoiceRunner<Format, F>,
): ChoiceRunner<Format, F> {
  const key = keyOf(reply.request);
  if (key?.tokens_per_minute === undefined) return run;
  return async (ctx, job, emit) => {
    const result = await run(ctx, job, emit);
    server.limits.addTokens(key, result.summary.promptTokens + result.summary.tokens);
    return result;
  };
}

/** What a generation run needs from the server, its clock started now (the request's admission). */
export function runContext(server: ServerContext): RunContext {
  return {
    model: server.model,
    scheduler: server.scheduler,
    metrics: server.metrics,
    budget: server.admission.context,
    arrivedAt: performance.now(),
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
