/**
 * @module Serving benchmark: throughput and time to first token of `rio serve` at 1, 4 and 16 concurrent
 * streaming clients, over loopback. Without --url it starts a server in-process on --model (default: a
 * tiny random-weight qwen3 made in a temporary folder), so the figures measure the serving stack. It also
 * times the same engine bare after each round (ceilings.ts): replaying the round's work, which is the
 * ceiling of the level's tokens/s, and batched steps of N one-token sequences against one (N = the largest
 * level), which is what batching alone can gain on this machine.
 *
 *   npm run bench -- serve [--model DIR|GGUF] [--url http://host:port] [--levels 1,4,16] [--max-tokens 64]
 *                          [--requests 2] [--rounds 3] [--reasoning swir|cot|mixed] [--quant q8_0] [--ctx 8192]
 *                          [--threads N]
 *   npm run bench -- serve --scenario chat-turns|agent-loop [...]   (time to first token of a chat's or an
 *                                                agent loop's 5th turn, prefix cache off and on: see turns.ts)
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { makeTinyModel, type Quant } from "../src/checkpoint/index.js";
import { createEngine, type EngineOptions, loadModel, Scheduler } from "../src/engine/index.js";
import { startServer } from "../src/server/index.js";
import { batchCeiling, type RequestWork, replayLoad } from "./ceilings.js";
import { median } from "./median.js";
import { type LoadSummary, runLoad, type StreamRecord, summarize } from "./serve-client.js";
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
  rounds: { type: "string", default: "3" },
} as const;

/** A positive integer flag, or an error naming the flag. */
function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`bench serve: --${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

const QUANTS: readonly Quant[] = ["f32", "f16", "bf16", "q8_0", "q4_0"];

/** A level's share of a yardstick: median over rounds, and the lowest and highest round. */
export interface Share {
  median: number;
  low: number;
  high: number;
}

/**
 * One row per concurrency level, pooled over its rounds. For an in-process server: `replay`, the bare
 * engine doing each round's work right after it (ceilings.ts) and the clients' share of it; for the top
 * level also the share of bare batched steps of short sequences (`shortSteps`) and of sequences at the
 * load's mean depth (`deepSteps`).
 */
export type ServeBenchRow = LoadSummary & {
  concurrency: number;
  replay?: { tokensPerSecond: number; share: Share };
  shortSteps?: { gain: number; tokensPerSecond: number; share: Share };
  deepSteps?: { depth: number; tokensPerSecond: number; share: Share };
};

/** What one round measured: the clients, then the bare engine on the same machine moments later. */
interface Round {
  records: StreamRecord[];
  summary: LoadSummary;
  replay?: number;
  short?: { gain: number; tokensPerSecond: number };
  deep?: number;
}

/**
 * Runs the benchmark and prints a table; returns the rows. Each level runs --rounds times, each round's
 * bare-engine yardsticks timed right after its load: the host's speed drifts by tens of percent within a
 * minute, so only a load and a yardstick timed side by side make a ratio.
 * @example
 * await main(["--levels", "1,4", "--max-tokens", "32"]);
 */
export async function main(args: string[]): Promise<ServeBenchRow[] | TurnsRow[]> {
  if (args.includes("--scenario")) return laterTurns(args);
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  const levels = values.levels.split(",").map((v) => positive("levels", v));
  const top = Math.max(...levels);
  const maxTokens = positive("max-tokens", values["max-tokens"]);
  const perClient = positive("requests", values.requests);
  const rounds = positive("rounds", values.rounds);
  const reasoning = values.reasoning;
  if (reasoning !== "swir" && reasoning !== "cot" && reasoning !== "mixed")
    throw new Error(`bench serve: --reasoning must be swir, cot or mixed, got ${reasoning}`);
  const quant = QUANTS.find((q) => q === values.quant);
  if (!quant)
    throw new Error(`bench serve: --quant must be one of ${QUANTS.join(", ")}, got ${values.quant}`);
  const local = values.url
    ? undefined
    : await startLocal(values.model, quant, {
        ctx: positive("ctx", values.ctx),
        maxSequences: top,
        threads: values.threads === undefined ? undefined : positive("threads", values.threads),
      });
  const url = values.url ?? (local?.url as string);
  const make = (i: number) => ({
    url,
    apiKey: values["api-key"],
    body: {
      messages: [{ role: "user", content: `Question ${i}: what is ${i} + ${i}?` }],
      max_tokens: maxTokens,
      seed: i,
      reasoning: { method: reasoning === "mixed" ? (i % 2 ? "swir" : "cot") : reasoning },
    },
  });
  const rows: ServeBenchRow[] = [];
  try {
    await runLoad(2, 1, (i) => ({ ...make(i), body: { ...make(i).body, max_tokens: 4 } })); // warm-up (both methods when mixed)
    for (const concurrency of levels) {
      const measured: Round[] = [];
      for (let k = 0; k < rounds; k++) {
        const round: Round = await runLoad(concurrency * perClient, concurrency, make);
        const problems = round.records.flatMap((r) => r.problems);
        if (problems.length > 0)
          throw new Error(
            `bench serve: malformed responses at concurrency ${concurrency}: ${problems.slice(0, 3).join("; ")}`,
          );
        // the server is idle between rounds, so the bare engine can be timed beside it
        // (a record carries its request's work: prompt and generated tokens, from usage)
        if (local) {
          round.replay = await replayLoad(local.engine, round.records, concurrency);
          if (concurrency === top) {
            round.short = await batchCeiling(local.engine, top, 8);
            round.deep = (await batchCeiling(local.engine, top, meanDepth(round.records))).tokensPerSecond;
          }
        }
        measured.push(round);
      }
      rows.push(pool(concurrency, measured));
    }
  } finally {
    await local?.close();
  }
  print(rows, rounds);
  return rows;
}

/** Where a load's sequences are on average: its prompts and half its answers. */
function meanDepth(work: RequestWork[]): number {
  const sum = work.reduce((total, w) => total + w.promptTokens + w.tokens / 2, 0);
  return Math.max(1, Math.round(sum / work.length));
}

/** A level's rounds as one row: all requests over all load time, and the medians of per-round ratios. */
function pool(concurrency: number, measured: Round[]): ServeBenchRow {
  const records = measured.flatMap((r) => r.records);
  const row: ServeBenchRow = {
    concurrency,
    ...summarize(
      records,
      measured.reduce((total, r) => total + r.summary.wallMs, 0),
    ),
  };
  const shareOf = (yardstick: (r: Round) => number | undefined) => {
    const ratios = measured.flatMap((r) => {
      const ceiling = yardstick(r);
      return ceiling === undefined ? [] : [r.summary.tokensPerSecond / ceiling];
    });
    return { median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) };
  };
  const medianOf = (xs: (number | undefined)[]) => median(xs.filter((x) => x !== undefined));
  if (measured[0].replay !== undefined)
    row.replay = {
      tokensPerSecond: medianOf(measured.map((r) => r.replay)),
      share: shareOf((r) => r.replay),
    };
  if (measured[0].short !== undefined && measured[0].deep !== undefined) {
    row.shortSteps = {
      gain: medianOf(measured.map((r) => r.short?.gain)),
      tokensPerSecond: medianOf(measured.map((r) => r.short?.tokensPerSecond)),
      share: shareOf((r) => r.short?.tokensPerSecond),
    };
    row.deepSteps = {
      depth: meanDepth(records),
      tokensPerSecond: medianOf(measured.map((r) => r.deep)),
      share: shareOf((r) => r.deep),
    };
  }
  return row;
}

/** The table, then what each yardstick means. */
function print(rows: ServeBenchRow[], rounds: number): void {
  const single = rows.find((r) => r.concurrency === 1)?.tokensPerSecond;
  const percent = (x: number) => `${(100 * x).toFixed(0)}%`;
  const share = ({ median, low, high }: Share) => `${percent(median)} (${percent(low)}-${percent(high)})`;
  console.log(
    "clients  requests  tokens  wall s   tok/s   vs 1 client  TTFT p50 ms  TTFT p95 ms  bare replay  share of it",
  );
  for (const r of rows)
    console.log(
      `${String(r.concurrency).padStart(7)}  ${String(r.requests).padStart(8)}  ${String(r.tokens).padStart(6)}  ${(r.wallMs / 1000).toFixed(1).padStart(6)}  ${r.tokensPerSecond.toFixed(1).padStart(6)}  ${(single ? `${(r.tokensPerSecond / single).toFixed(2)}x` : "-").padStart(11)}  ${r.ttftP50Ms.toFixed(0).padStart(11)}  ${r.ttftP95Ms.toFixed(0).padStart(11)}  ${(r.replay ? r.replay.tokensPerSecond.toFixed(1) : "-").padStart(11)}  ${r.replay ? share(r.replay.share) : "-"}`,
    );
  if (!rows.some((r) => r.replay)) return;
  console.log(
    `${rounds} rounds per level; tok/s over all of them; shares: median of the rounds (lowest-highest), each ` +
      "round's clients against the bare engine timed right after them",
  );
  console.log(
    "bare replay: the engine alone doing the round's work: its prompts prefilled, its tokens decoded, as many " +
      "sequences at once as clients",
  );
  const top = rows.find((r) => r.shortSteps && r.deepSteps);
  if (top?.shortSteps && top.deepSteps) {
    const n = top.concurrency;
    console.log(
      `batching ceiling: bare steps of ${n} one-token sequences give ${top.shortSteps.gain.toFixed(2)}x the ` +
        `tokens/s of one: ${top.shortSteps.tokensPerSecond.toFixed(1)} tok/s with 8 tokens in each sequence first ` +
        `(no prompts to prefill); ${n} clients got ${share(top.shortSteps.share)} of that`,
    );
    console.log(
      `  the same steps with ${top.deepSteps.depth} tokens in each sequence first (the load's mean position): ` +
        `${top.deepSteps.tokensPerSecond.toFixed(1)} tok/s; ${n} clients got ${share(top.deepSteps.share)} of that`,
    );
  }
}

/** An in-process server on a free loopback port, and its engine for the yardsticks. */
async function startLocal(modelPath: string | undefined, quant: Quant, engineOptions: EngineOptions) {
  const temp = modelPath ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "rio-bench-serve-"));
  if (temp) {
    process.env.RIO_CACHE_DIR ??= path.join(temp, "cache");
    makeTinyModel({ arch: "qwen3", out: path.join(temp, "tiny"), seed: 1 });
  }
  const model = loadModel(modelPath ?? path.join(temp as string, "tiny"), { quant });
  const engine = createEngine(model, engineOptions);
  const scheduler = new Scheduler(engine, { maxQueue: 1024 });
  const server = await startServer({ model, scheduler, modelName: "bench", port: 0, logger: false });
  return {
    url: server.url,
    engine,
    async close() {
      await server.close(0);
      engine.close();
      model.free();
      if (temp) fs.rmSync(temp, { recursive: true, force: true });
    },
  };
}
