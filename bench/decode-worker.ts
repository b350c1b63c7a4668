/**
 * @module One engine, loaded once in its own process (so its peak RSS is its own) and driven over IPC by
 * decode.ts: `fork("decode-worker.js", [ENGINE, GGUF, CONTEXT_SIZE])` answers `{ ready: true }`, then each
 * `{ ctx, decode }` message with one measurement `{ ctx, decode_tps, prefill_tps }` and `{ done: true }` with
 * `{ rss_mb }`. Keeping every engine loaded lets decode.ts measure them turn by turn, seconds apart.
 * Decode tokens/s is 1000 / the median milliseconds between consecutive tokens.
 * Engines: "rio" (Rio's generate loop: TS sampling, every step fed as an embedding), "node-llama-cpp" (its
 * own generation on the same GGUF), "bare" (a llama_decode loop through Rio's binding feeding token ids,
 * argmax in TS: the floor of what the library can do).
 */

import { generate } from "../src/decoding/index.js";
import { createEngine, loadModel, Scheduler } from "../src/engine/index.js";
import { loadLlama, physicalCores } from "../src/llama/index.js";
import { median } from "./median.js";

const [engine, gguf, contextSizeArg] = process.argv.slice(2);
const contextSize = Number(contextSizeArg);
const threads = physicalCores();
const sampling = { temperature: 0.6, top_k: 20, top_p: 0.95, min_p: 0, seed: 1 };

/** Deterministic pseudo-random ordinary token ids (below the special tokens). */
const promptOf = (n: number) => Array.from({ length: n }, (_, i) => 1000 + ((i * 7919) % 100000));

interface Measure {
  prefillSeconds: number;
  /** Wall time between consecutive generated tokens, ms. */
  intervals: number[];
}

/** Records the time of each generated token; the first one ends the prefill. */
class TokenClock {
  private readonly times: number[] = [];
  constructor(private readonly start = performance.now()) {}
  tick(): void {
    this.times.push(performance.now());
  }
  measure(): Measure {
    return {
      prefillSeconds: (this.times[0] - this.start) / 1000,
      intervals: this.times.slice(1).map((t, i) => t - this.times[i]),
    };
  }
}

async function rio(): Promise<(ctx: number, decode: number) => Promise<Measure>> {
  const model = loadModel(gguf);
  const scheduler = new Scheduler(createEngine(model, { ctx: contextSize, threads }));
  return async (ctx, decode) => {
    const clock = new TokenClock();
    for await (const _ of generate(model, scheduler, {
      prompt: promptOf(ctx),
      sampling,
      maxTokens: decode + 1,
      ignoreEos: true,
    }))
      clock.tick();
    return clock.measure();
  };
}

async function nodeLlamaCpp(): Promise<(ctx: number, decode: number) => Promise<Measure>> {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({
    gpu: false,
    maxThreads: threads,
    build: "never",
    logLevel: LlamaLogLevel.error,
  });
  const model = await llama.loadModel({ modelPath: gguf });
  const context = await model.createContext({ contextSize, threads, batchSize: 512 });
  return async (ctx, decode) => {
    const sequence = context.getSequence();
    const clock = new TokenClock();
    let n = 0;
    for await (const _ of sequence.evaluate(promptOf(ctx) as never[], {
      temperature: sampling.temperature,
      topK: sampling.top_k,
      topP: sampling.top_p,
      seed: 1,
    })) {
      clock.tick();
      if (++n > decode) break;
    }
    sequence.dispose();
    return clock.measure();
  };
}

async function bare(): Promise<(ctx: number, decode: number) => Promise<Measure>> {
  const model = loadLlama().loadModel(gguf);
  const context = model.createContext({ nCtx: contextSize, nBatch: 512, nSeqMax: 1, threads });
  const one = {
    tokens: new Int32Array(1),
    pos: new Int32Array(1),
    seq: new Int32Array(1),
    logits: new Uint8Array([1]),
  };
  return async (ctx, decode) => {
    context.seqRemove(0);
    const prompt = promptOf(ctx);
    const clock = new TokenClock();
    for (let start = 0; start < ctx; start += 512) {
      const n = Math.min(512, ctx - start);
      const logits = new Uint8Array(n);
      logits[n - 1] = 1;
      await context.decodeTokens({
        tokens: Int32Array.from(prompt.slice(start, start + n)),
        pos: Int32Array.from({ length: n }, (_, i) => start + i),
        seq: new Int32Array(n),
        logits,
      });
    }
    let next = argmax(context.logits(ctx - Math.floor((ctx - 1) / 512) * 512 - 1));
    clock.tick();
    for (let i = 0; i < decode; i++) {
      one.tokens[0] = next;
      one.pos[0] = ctx + i;
      await context.decodeTokens(one);
      next = argmax(context.logits(0));
      clock.tick();
    }
    return clock.measure();
  };
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** The parent's request: one measurement, or the end of the run. */
type WorkerRequest = { ctx: number; decode: number } | { done: true };

// named first: tsc 5.9 emits the file's last statement twice after `await { ... }[key]()`
const engines = { rio, "node-llama-cpp": nodeLlamaCpp, bare };
const run = await engines[engine as "rio"]();
await run(16, 4); // warm-up
const send = (message: object, then?: () => void) => process.send?.(message, undefined, {}, then);
process.on("message", async (request: WorkerRequest) => {
  // exit, not disconnect: llama.cpp's threads would keep the process alive
  if ("done" in request) {
    send({ rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }, () => process.exit(0));
    return;
  }
  const m = await run(request.ctx, request.decode);
  send({
    ctx: request.ctx,
    decode_tps: 1000 / median(m.intervals),
    prefill_tps: request.ctx / m.prefillSeconds,
  });
});
send({ ready: true });
