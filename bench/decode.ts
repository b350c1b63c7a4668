/**
 * @module `npm run bench -- decode [--json] [--rounds 3] [--arch ARCH]`: Rio vs node-llama-cpp vs a bare
 * llama_decode loop at Q8_0 and Q4_0, alternating engines in one script run. Decode tokens/s after contexts
 * of 16, 512 and 2048 tokens, prefill tokens/s (the 2048 row is a 2048-token prompt), peak RSS; then the
 * ratios (at context 512, and at 2048; each the median over rounds of a ratio within one round, with
 * quartiles).
 * Decode tokens/s comes from the median time between tokens (see decode-worker.ts). qwen3 uses a random
 * Qwen3-0.6B-shaped model; the other architectures a small random model of the same width (hybrid: 3 linear
 * + 1 full attention layer per 4; MoE: 8 experts, 2 active).
 */
import { type ChildProcess, fork } from "node:child_process";
import { MODEL_TYPES, type ModelType } from "../src/checkpoint/index.js";
import { type BenchModel, benchModelOf } from "./bench-models.js";
import { quantile } from "./median.js";

interface Row {
  engine: string;
  round: number;
  quant: string;
  ctx: number;
  decode_tps: number;
  prefill_tps: number;
  rss_mb: number;
}

const ENGINES = ["rio", "node-llama-cpp", "bare"] as const;
const CONTEXTS = [16, 512, 2048];

function modelFor(arch: ModelType): BenchModel {
  if (!MODEL_TYPES.includes(arch))
    throw new Error(`bench decode: --arch must be one of ${MODEL_TYPES.join(", ")}`);
  return benchModelOf(arch);
}

/** An engine's worker process, loaded and waiting for requests (see decode-worker.ts). */
class Worker {
  /** The request awaiting its reply: one at a time. */
  private pending: { resolve(message: unknown): void; reject(error: Error): void } | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message) => this.settle()?.resolve(message));
    child.on("exit", (code) =>
      this.settle()?.reject(new Error(`bench decode: a worker exited with code ${code}`)),
    );
  }

  static async start(engine: string, gguf: string, contextSize: number): Promise<Worker> {
    const child = fork(
      new URL("./decode-worker.js", import.meta.url).pathname,
      [engine, gguf, String(contextSize)],
      { stdio: ["ignore", "inherit", "inherit", "ipc"] },
    );
    const worker = new Worker(child);
    await worker.reply(); // { ready: true }
    return worker;
  }

  request<T>(message: object): Promise<T> {
    this.child.send(message);
    return this.reply<T>();
  }

  private reply<T>(): Promise<T> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve: resolve as (message: unknown) => void, reject };
    });
  }

  private settle() {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes("--json");
  const rounds = Number(args[args.indexOf("--rounds") + 1]) || 3;
  const decodeTokens = 64;
  const arch = (args.includes("--arch") ? args[args.indexOf("--arch") + 1] : "qwen3") as ModelType;
  const model = modelFor(arch);
  const contextSize = Math.max(...CONTEXTS) + decodeTokens + 256;
  const rows: Row[] = [];
  for (const quant of ["q4_0", "q8_0"] as const) {
    const gguf = model.gguf(quant);
    // every engine stays loaded in its own process and they take turns, measurement by measurement, in
    // ABBA order: the machine's speed drifts by ±15% over tens of seconds; turns seconds apart share it
    const workers = new Map<string, Worker>();
    for (const engine of ENGINES) workers.set(engine, await Worker.start(engine, gguf, contextSize));
    let turn = 0;
    for (let round = 0; round < rounds; round++)
      for (const ctx of CONTEXTS)
        for (const engine of turn++ % 2 === 0 ? ENGINES : [...ENGINES].reverse()) {
          const measured = await (workers.get(engine) as Worker).request<Omit<Row, "engine" | "quant">>({
            ctx,
            decode: decodeTokens,
          });
          rows.push({ ...measured, engine, quant, round, rss_mb: 0 });
        }
    for (const [engine, worker] of workers) {
      const { rss_mb } = await worker.request<{ rss_mb: number }>({ done: true });
      for (const row of rows) if (row.engine === engine && row.quant === quant) row.rss_mb = rss_mb;
    }
  }
  // best of the rounds per (engine, quant, ctx): the machine is noisy, interference only slows a run down
  const best = new Map<string, Row>();
  for (const row of rows) {
    const key = `${row.engine}/${row.quant}/${row.ctx}`;
    const seen = best.get(key);
    best.set(
      key,
      seen
        ? {
            ...row,
            decode_tps: Math.max(seen.decode_tps, row.decode_tps),
            prefill_tps: Math.max(seen.prefill_tps, row.prefill_tps),
          }
        : row,
    );
  }
  // Each ratio is taken between the turns of one round, then the median over rounds: a ratio of two bests
  // would not cancel the drift.
  const ratiosOf = (
    field: "decode_tps" | "prefill_tps" | "rss_mb",
    a: string,
    b: string,
    quant: string,
    ctx = 512,
  ) => {
    const at = (engine: string, round: number) =>
      rows.find((r) => r.engine === engine && r.quant === quant && r.ctx === ctx && r.round === round) as Row;
    return Array.from({ length: rounds }, (_, round) => at(a, round)[field] / at(b, round)[field]);
  };
  const ratios = {
    decode_q4: ratiosOf("decode_tps", "rio", "node-llama-cpp", "q4_0"),
    decode_q8: ratiosOf("decode_tps", "rio", "node-llama-cpp", "q8_0"),
    prefill_q4: ratiosOf("prefill_tps", "rio", "node-llama-cpp", "q4_0"),
    prefill_2048_q4: ratiosOf("prefill_tps", "rio", "node-llama-cpp", "q4_0", 2048),
    decode_2048_q4: ratiosOf("decode_tps", "rio", "node-llama-cpp", "q4_0", 2048),
  };
  const at = (xs: number[], q: number) => Number(quantile(xs, q).toFixed(3));
  const summary = {
    arch,
    rounds,
    ...Object.fromEntries(Object.entries(ratios).map(([name, xs]) => [`ratio_${name}`, at(xs, 0.5)])),
    overhead_vs_bare_q4: at(ratiosOf("decode_tps", "rio", "bare", "q4_0"), 0.5),
    ratio_rss_q4: at(ratiosOf("rss_mb", "rio", "node-llama-cpp", "q4_0"), 0.5),
    // the spread of the within-round ratios: how far one round's figure strays from the median
    quartiles: Object.fromEntries(
      Object.entries(ratios).map(([name, xs]) => [name, [at(xs, 0.25), at(xs, 0.75)]]),
    ),
  };
  for (const row of best.values()) {
    const { round: _, ...fields } = row;
    const rounded = {
      arch,
      ...fields,
      decode_tps: Number(row.decode_tps.toFixed(2)),
      prefill_tps: Number(row.prefill_tps.toFixed(1)),
    };
    console.log(
      json
        ? JSON.stringify(rounded)
        : `${row.engine.padEnd(15)} ${row.quant} ctx ${String(row.ctx).padStart(4)}  decode ${rounded.decode_tps} tok/s  prefill ${rounded.prefill_tps} tok/s  rss ${row.rss_mb} MB`,
    );
  }
  console.log(json ? JSON.stringify(summary) : summary);
}
