/**
 * @module Serving benchmark: throughput and time to first token of `rio serve` at 1, 4 and 16 concurrent
 * streaming clients, over loopback. Without --url it starts a server in-process on --model (default: a
 * tiny random-weight qwen3 made in a temporary folder), so the figures measure the serving stack. It also
 * times bare engine steps of 1 and of N token inputs (N = the largest level) on the same model: N * t(1) /
 * t(N) is what batching alone can gain on this machine, the ceiling of the aggregate speedup.
 *
 *   npm run bench -- serve [--model DIR|GGUF] [--url http://host:port] [--levels 1,4,16] [--max-tokens 64]
 *                          [--requests 2] [--reasoning swir|cot|mixed] [--quant q8_0] [--ctx 8192] [--threads N]
 *   npm run bench -- serve --scenario chat-turns|agent-loop [...]   (time to first token of a chat's or an
 *                                                agent loop's 5th turn, prefix cache off and on: see turns.ts)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { makeTinyModel, type Quant } from "../src/checkpoint/index.js";
import {
  createEngine,
  type Engine,
  type EngineOptions,
  loadModel,
  type RioModel,
  Scheduler,
} from "../src/engine/index.js";
import { startServer } from "../src/server/index.js";
import { type LoadSummary, runLoad } from "./serve-client.js";
import { laterTurns, type TurnsRow } from "./turns.js";

const OPTIONS = {
  model: { type: "string" },
  url: { type: "string" },
  "api-key": { type: "string" },
  levels: { type: "string", default: "1,4,16" },
  "max-tokens": { type: "string", default: "64" },
  requests: { type: "string", default: "2" },
  reasoning: { type: "string", default: "swir" },
  quant: { type: "string", default: "q8_0" },
  ctx: { type: "string", default: "8192" },
  threads: { type: "string" },
} as const;

/** A positive integer flag, or an error naming the flag. */
function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`bench serve: --${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

const QUANTS: readonly Quant[] = ["f32", "f16", "bf16", "q8_0", "q4_0"];

/** One row per concurrency level. */
export type ServeBenchRow = LoadSummary & { concurrency: number };

/**
 * Runs the benchmark and prints a table; returns the rows.
 * @example
 * await main(["--levels", "1,4", "--max-tokens", "32"]);
 */
export async function main(args: string[]): Promise<ServeBenchRow[] | TurnsRow[]> {
  if (args.includes("--scenario")) return laterTurns(args);
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  const levels = values.levels.split(",").map((v) => positive("levels", v));
  const maxTokens = positive("max-tokens", values["max-tokens"]);
  const perClient = positive("requests", values.requests);
  const reasoning = values.reasoning;
  if (reasoning !== "swir" && reasoning !== "cot" && reasoning !== "mixed")
    throw new Error(`bench serve: --reasoning must be swir, cot or mixed, got ${reasoning}`);
  const quant = QUANTS.find((q) => q === values.quant);
  if (!quant)
    throw new Error(`bench serve: --quant must be one of ${QUANTS.join(", ")}, got ${values.quant}`);
  const target: {
    url: string;
    close(): Promise<void>;
    ceiling?: Ceiling;
  } = values.url
    ? { url: values.url, close: async () => {} }
    : await startLocal(
        values.model,
        quant,
        {
          ctx: positive("ctx", values.ctx),
          maxSequences: Math.max(...levels),
          threads: values.threads === undefined ? undefined : positive("threads", values.threads),
        },
        // where the load's sequences are on average: a question's prompt and half the answer
        (model) =>
          model.tokenizer.encodeChat([{ role: "user", content: "Question 10: what is 10 + 10?" }], {
            addGenerationPrompt: true,
          }).length + Math.floor(maxTokens / 2),
      );
  const rows: ServeBenchRow[] = [];
  try {
    const make = (i: number) => ({
      url: target.url,
      apiKey: values["api-key"],
      body: {
        messages: [{ role: "user", content: `Question ${i}: what is ${i} + ${i}?` }],
        max_tokens: maxTokens,
        seed: i,
        reasoning: { method: reasoning === "mixed" ? (i % 2 ? "swir" : "cot") : reasoning },
      },
    });
    await runLoad(2, 1, (i) => ({ ...make(i), body: { ...make(i).body, max_tokens: 4 } })); // warm-up (both methods when mixed)
    for (const concurrency of levels) {
      const { records, summary } = await runLoad(concurrency * perClient, concurrency, make);
      const problems = records.flatMap((r) => r.problems);
      if (problems.length > 0)
        throw new Error(
          `bench serve: malformed responses at concurrency ${concurrency}: ${problems.slice(0, 3).join("; ")}`,
        );
      rows.push({ concurrency, ...summary });
    }
  } finally {
    await target.close();
  }
  const single = rows.find((r) => r.concurrency === 1)?.tokensPerSecond;
  console.log("clients  requests  tokens  wall s   tok/s   vs 1 client  TTFT p50 ms  TTFT p95 ms");
  for (const r of rows)
    console.log(
      `${String(r.concurrency).padStart(7)}  ${String(r.requests).padStart(8)}  ${String(r.tokens).padStart(6)}  ${(r.wallMs / 1000).toFixed(1).padStart(6)}  ${r.tokensPerSecond.toFixed(1).padStart(6)}  ${(single ? `${(r.tokensPerSecond / single).toFixed(2)}x` : "-").padStart(11)}  ${r.ttftP50Ms.toFixed(0).padStart(11)}  ${r.ttftP95Ms.toFixed(0).padStart(11)}`,
    );
  if (target.ceiling !== undefined) {
    const top = Math.max(...levels);
    const { gain, tokensPerSecond, atLoad } = target.ceiling;
    const served = rows.find((r) => r.concurrency === top)?.tokensPerSecond ?? 0;
    const share = (ceiling: number) => `${((100 * served) / ceiling).toFixed(0)}%`;
    console.log(
      `batching ceiling: bare engine steps of ${top} tokens give ${gain.toFixed(2)}x the tokens/s of single-token steps, ` +
        `${tokensPerSecond.toFixed(1)} tok/s; ${top} clients got ${share(tokensPerSecond)} of that`,
    );
    console.log(
      `  the same steps with ${atLoad.depth} tokens in each sequence (the load's mean position): ` +
        `${atLoad.tokensPerSecond.toFixed(1)} tok/s; ${top} clients got ${share(atLoad.tokensPerSecond)} of that`,
    );
  }
  return rows;
}

/** An in-process server on a free loopback port. */
async function startLocal(
  modelPath: string | undefined,
  quant: Quant,
  engineOptions: EngineOptions,
  loadDepth: (model: RioModel) => number,
) {
  const temp = modelPath ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "rio-bench-serve-"));
  if (temp) {
    process.env.RIO_CACHE_DIR ??= path.join(temp, "cache");
    makeTinyModel({ arch: "qwen3", out: path.join(temp, "tiny"), seed: 1 });
  }
  const model = loadModel(modelPath ?? path.join(temp as string, "tiny"), { quant });
  const engine = createEngine(model, engineOptions);
  const n = engineOptions.maxSequences ?? 1;
  const depth = loadDepth(model);
  const ceiling: Ceiling = {
    ...(await batchCeiling(engine, n, 8)),
    atLoad: { depth, tokensPerSecond: (await batchCeiling(engine, n, depth)).tokensPerSecond },
  };
  const scheduler = new Scheduler(engine, { maxQueue: 1024 });
  const server = await startServer({ model, scheduler, modelName: "bench", port: 0, logger: false });
  return {
    url: server.url,
    ceiling,
    async close() {
      await server.close(0);
      engine.close();
      model.free();
      if (temp) fs.rmSync(temp, { recursive: true, force: true });
    },
  };
}

/** What bare engine steps allow: see batchCeiling; `atLoad` with sequences as deep as the load's on average. */
interface Ceiling {
  gain: number;
  tokensPerSecond: number;
  atLoad: { depth: number; tokensPerSecond: number };
}

/**
 * Bare engine steps of single tokens, one sequence and n sequences at once, each sequence holding `depth`
 * tokens first: n * t(1) / t(n) is the most batching alone can gain on this machine, and n / t(n) the
 * tokens/s no server can beat at n clients (a step attends over every cached position, so it slows as
 * sequences grow: the load's own depth is the fair comparison).
 */
async function batchCeiling(
  engine: Engine,
  n: number,
  depth: number,
): Promise<{ gain: number; tokensPerSecond: number }> {
  const sequences = Array.from({ length: n }, () => engine.openSequence());
  try {
    const prompt = Array.from({ length: depth }, (_, i) => 1 + (i % 1000));
    for (const seq of sequences) await engine.step([{ seq, tokens: prompt }]);
    const stepMs = async (batch: number) => {
      const run = () => engine.step(sequences.slice(0, batch).map((seq) => ({ seq, tokens: [100] })));
      for (let i = 0; i < 5; i++) await run();
      const start = performance.now();
      for (let i = 0; i < 30; i++) await run();
      return (performance.now() - start) / 30;
    };
    const one = await stepMs(1);
    const all = await stepMs(n);
    return { gain: (n * one) / all, tokensPerSecond: (n * 1000) / all };
  } finally {
    for (const seq of sequences) engine.release(seq);
  }
}
