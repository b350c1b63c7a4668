/**
 * @module Load generator for `rio serve`: many concurrent streaming chat requests over loopback, each
 * checked for a well-formed OpenAI chunk stream (one id, one finish_reason, usage matching the tokens
 * streamed, `[DONE]` last), with time to first token and tokens/s. Used by bench/serve.ts and the load test.
 */

/** One streaming request's outcome. */
export interface StreamRecord {
  /** HTTP status (0 when the request failed before a response). */
  status: number;
  /** Ran to `[DONE]` (false for a client that disconnected on purpose). */
  completed: boolean;
  /** Problems with the stream's shape; empty when well-formed. */
  problems: string[];
  /** Generated tokens (from usage; for a disconnected client, the tokens seen). */
  tokens: number;
  /** Prompt tokens (from usage; 0 without it). */
  promptTokens: number;
  /** Milliseconds from sending to the first generated token. */
  ttftMs: number;
  /** Milliseconds from sending to the end. */
  totalMs: number;
}

/** Options of one request. */
export interface StreamRequest {
  url: string;
  apiKey?: string;
  body: Record<string, unknown>;
  /** Disconnect after this many tokens (mid-stream), to test cancellation. */
  disconnectAfter?: number;
}

interface Chunk {
  id?: string;
  object?: string;
  choices?: {
    index: number;
    delta?: Record<string, unknown>;
    finish_reason?: string | null;
    rio?: { modes: string[] };
  }[];
  usage?: { completion_tokens: number; prompt_tokens: number } | null;
  error?: { message: string };
}

/** Sends one streaming chat request (with include_usage and per-token modes) and checks what comes back. */
export async function streamChat(req: StreamRequest): Promise<StreamRecord> {
  const started = performance.now();
  const record: StreamRecord = {
    status: 0,
    completed: false,
    problems: [],
    tokens: 0,
    promptTokens: 0,
    ttftMs: Number.NaN,
    totalMs: 0,
  };
  const abort = new AbortController();
  try {
    const res = await fetch(`${req.url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}),
      },
      body: JSON.stringify({
        ...req.body,
        stream: true,
        stream_options: { include_usage: true },
        rio: { modes: true },
      }),
      signal: abort.signal,
    });
    record.status = res.status;
    if (res.status !== 200 || !res.body) {
      record.problems.push(`status ${res.status}: ${await res.text()}`);
      return record;
    }
    const events = sseData(res.body);
    const state = {
      id: undefined as string | undefined,
      finishes: 0,
      usage: undefined as number | undefined,
      done: false,
    };
    for await (const data of events) {
      if (state.done) record.problems.push("data after [DONE]");
      if (data === "[DONE]") {
        state.done = true;
        continue;
      }
      const chunk = JSON.parse(data) as Chunk;
      if (chunk.error) record.problems.push(`error event: ${chunk.error.message}`);
      if (chunk.object !== "chat.completion.chunk" && !chunk.error)
        record.problems.push(`object ${chunk.object}`);
      state.id ??= chunk.id;
      if (chunk.id !== state.id && !chunk.error) record.problems.push("chunk ids differ");
      for (const choice of chunk.choices ?? []) {
        const modes = choice.rio?.modes.length ?? 0;
        if (modes > 0 && record.tokens === 0) record.ttftMs = performance.now() - started;
        record.tokens += modes;
        if (choice.finish_reason) state.finishes++;
      }
      if (chunk.usage) {
        state.usage = chunk.usage.completion_tokens;
        record.promptTokens = chunk.usage.prompt_tokens;
      }
      if (req.disconnectAfter !== undefined && record.tokens >= req.disconnectAfter) {
        abort.abort();
        record.totalMs = performance.now() - started;
        return record;
      }
    }
    if (!state.done) record.problems.push("no [DONE]");
    if (state.finishes !== 1) record.problems.push(`${state.finishes} finish_reason values`);
    if (state.usage !== record.tokens)
      record.problems.push(`usage says ${state.usage} tokens, ${record.tokens} streamed`);
    record.completed = record.problems.length === 0;
  } catch (error) {
    if (!abort.signal.aborted) record.problems.push(`request failed: ${(error as Error).message}`);
  }
  record.totalMs = performance.now() - started;
  return record;
}

/** The `data:` payloads of a Server-Sent Events body. */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split("\n")) if (line.startsWith("data: ")) yield line.slice(6);
    }
  }
}

/** Aggregate figures of one load run. */
export interface LoadSummary {
  requests: number;
  completed: number;
  tokens: number;
  wallMs: number;
  tokensPerSecond: number;
  ttftP50Ms: number;
  ttftP95Ms: number;
}

/**
 * Runs `count` requests with at most `concurrency` in flight; `make(i)` builds request i.
 * @example
 * const { records, summary } = await runLoad(8, 8, (i) => ({ url, body: { messages, max_tokens: 16 } }));
 */
export async function runLoad(
  count: number,
  concurrency: number,
  make: (i: number) => StreamRequest,
): Promise<{ records: StreamRecord[]; summary: LoadSummary }> {
  const records: StreamRecord[] = new Array(count);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) records[i] = await streamChat(make(i));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { records, summary: summarize(records, performance.now() - started) };
}

/** Aggregate figures of requests that took `wallMs` in all. */
export function summarize(records: StreamRecord[], wallMs: number): LoadSummary {
  const tokens = records.reduce((sum, r) => sum + r.tokens, 0);
  const ttfts = records
    .map((r) => r.ttftMs)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const pct = (p: number) => ttfts[Math.min(ttfts.length - 1, Math.floor(p * ttfts.length))] ?? Number.NaN;
  return {
    requests: records.length,
    completed: records.filter((r) => r.completed).length,
    tokens,
    wallMs,
    tokensPerSecond: tokens / (wallMs / 1000),
    ttftP50Ms: pct(0.5),
    ttftP95Ms: pct(0.95),
  };
}
