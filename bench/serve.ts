/**
 * @module Serving benchmark: throughput and time to first token of `rio serve` at 1, 4 and 16 concurrent
 * streaming clients, over loopback. Without --url it starts a server in-process on --model (default: a
 * tiny random-weight qwen3 made in a temporary folder), so the figures measure the serving stack.
 *
 *   npm run bench -- serve [--model DIR|GGUF] [--url http://host:port] [--levels 1,4,16] [--max-tokens 64]
 *                          [--requests 2] [--reasoning swir|cot] [--quant q8_0] [--ctx 8192]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { makeTinyModel, type Quant } from "../src/checkpoint/index.js";
import { createEngine, loadModel, Scheduler } from "../src/engine/index.js";
import { startServer } from "../src/server/index.js";
import { type LoadSummary, runLoad } from "./serve-client.js";

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
export async function main(args: string[]): Promise<ServeBenchRow[]> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  const levels = values.levels.split(",").map((v) => positive("levels", v));
  const maxTokens = positive("max-tokens", values["max-tokens"]);
  const perClient = positive("requests", values.requests);
  if (values.reasoning !== "swir" && values.reasoning !== "cot")
    throw new Error(`bench serve: --reasoning must be swir or cot, got ${values.reasoning}`);
  const quant = QUANTS.find((q) => q === values.quant);
  if (!quant)
    throw new Error(`bench serve: --quant must be one of ${QUANTS.join(", ")}, got ${values.quant}`);
  const target = values.url
    ? { url: values.url, close: async () => {} }
    : await startLocal(values.model, quant, positive("ctx", values.ctx), Math.max(...levels));
  const rows: ServeBenchRow[] = [];
  try {
    const make = (i: number) => ({
      url: target.url,
      apiKey: values["api-key"],
      body: {
        messages: [{ role: "user", content: `Question ${i}: what is ${i} + ${i}?` }],
        max_tokens: maxTokens,
        seed: i,
        reasoning: { method: values.reasoning },
      },
    });
    await runLoad(1, 1, (i) => ({ ...make(i), body: { ...make(i).body, max_tokens: 4 } })); // warm-up
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
  console.log("clients  requests  tokens  wall s   tok/s   TTFT p50 ms  TTFT p95 ms");
  for (const r of rows)
    console.log(
      `${String(r.concurrency).padStart(7)}  ${String(r.requests).padStart(8)}  ${String(r.tokens).padStart(6)}  ${(r.wallMs / 1000).toFixed(1).padStart(6)}  ${r.tokensPerSecond.toFixed(1).padStart(6)}  ${r.ttftP50Ms.toFixed(0).padStart(11)}  ${r.ttftP95Ms.toFixed(0).padStart(11)}`,
    );
  return rows;
}

/** An in-process server on a free loopback port. */
async function startLocal(modelPath: string | undefined, quant: Quant, ctx: number, maxSequences: number) {
  const temp = modelPath ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "rio-bench-serve-"));
  if (temp) {
    process.env.RIO_CACHE_DIR ??= path.join(temp, "cache");
    makeTinyModel({ arch: "qwen3", out: path.join(temp, "tiny"), seed: 1 });
  }
  const model = loadModel(modelPath ?? path.join(temp as string, "tiny"), { quant });
  const engine = createEngine(model, { ctx, maxSequences });
  const scheduler = new Scheduler(engine, { maxQueue: 1024 });
  const server = await startServer({ model, scheduler, modelName: "bench", port: 0, logger: false });
  return {
    url: server.url,
    async close() {
      await server.close(0);
      engine.close();
      model.free();
      if (temp) fs.rmSync(temp, { recursive: true, force: true });
    },
  };
}
