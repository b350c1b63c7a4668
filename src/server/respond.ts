/**
 * @module Sends the choices of one request: as one JSON response, or as a Server-Sent Events stream of
 * OpenAI chunks ending in `data: [DONE]`. Choices of one request run concurrently on the scheduler.
 */
import type { ServerResponse } from "node:http";
import type { ChoiceFields, ChoiceFormat, EndpointFormat } from "./choice-format.js";
import { toApiError } from "./errors.js";
import {
  type ChoiceJob,
  type ChoiceResult,
  type ChoiceRunner,
  type RunContext,
  usage,
} from "./run-choice.js";

/** The fields every response or chunk of one request repeats. */
export interface ResponseHead {
  id: string;
  created: number;
  model: string;
}

/** How the choices of one request run, and how long its prompts are. */
export interface RunOptions<Format extends ChoiceFormat> {
  promptTokens: number;
  run: ChoiceRunner<Format, ChoiceFields>;
}

/** Runs the choices to the end and returns the whole response body. */
export async function wholeResponse<Format extends ChoiceFormat>(
  ctx: RunContext,
  format: EndpointFormat,
  head: ResponseHead,
  jobs: ChoiceJob<Format>[],
  { promptTokens, run }: RunOptions<Format>,
) {
  const results = await Promise.all(jobs.map((job) => run(ctx, job, () => {})));
  return {
    ...head,
    object: format.object,
    choices: jobs.map((job, i) => ({
      index: job.index,
      ...job.format.whole(),
      finish_reason: results[i].finishReason,
    })),
    usage: usage(promptTokens, results),
  };
}

/**
 * Streams the choices as SSE on `res`. A failure (cancellation at shutdown, engine error) is sent as an
 * OpenAI error event before `[DONE]`, so the client sees it; `onError` lets the caller stop the other choices.
 */
export async function streamResponse<Format extends ChoiceFormat>(
  res: ServerResponse,
  ctx: RunContext,
  format: EndpointFormat,
  head: ResponseHead,
  jobs: ChoiceJob<Format>[],
  opts: RunOptions<Format> & { includeUsage: boolean; onError(error: unknown): void },
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  const send = (data: unknown) => {
    if (!res.destroyed && !res.writableEnded)
      res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  };
  const chunk = (index: number, fields: ChoiceFields, finishReason: string | null) =>
    send({
      ...head,
      object: format.chunkObject,
      choices: [{ index, ...fields, finish_reason: finishReason }],
      ...(opts.includeUsage ? { usage: null } : {}),
    });
  for (const job of jobs) {
    const opening = job.format.opening();
    if (opening) chunk(job.index, opening, null);
  }
  const settled = await Promise.allSettled(
    jobs.map((job) =>
      opts
        .run(ctx, job, (fields, finishReason) => chunk(job.index, fields, finishReason))
        .catch((error) => {
          opts.onError(error);
          throw error;
        }),
    ),
  );
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) send(toApiError(failed.reason).body());
  else if (opts.includeUsage)
    send({
      ...head,
      object: format.chunkObject,
      choices: [],
      usage: usage(
        opts.promptTokens,
        settled.map((s) => (s as PromiseFulfilledResult<ChoiceResult>).value),
      ),
    });
  send("[DONE]");
  res.end();
}
