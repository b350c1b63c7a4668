/**
 * @module `npm run bench -- decode [--json] [--rounds 3] [--arch ARCH]`: Rio vs node-llama-cpp vs a bare
 * llama_decode loop at Q8_0 and Q4_0, alternating engines in one script run. Decode tokens/s after contexts
 * of 16, 512 and 2048 tokens, prefill tokens/s (the 2048 row is a 2048-token prompt), peak RSS; then the
 * ratios (at context 512, and prefill of 2048; each the median over rounds of a ratio within one round).
 * Decode tokens/s comes from the median time between tokens (see decode-worker.ts). qwen3 uses a random
 * Qwen3-0.6B-shaped model; the other architectures a small random model of the same width (hybrid: 3 linear
 * + 1 full attention layer per 4; MoE: 8 experts, 2 active).
 */
import { execFileSync } from "node:child_process";
import { MODEL_TYPES, type ModelType } from "../src/checkpoint/index.js";
import { type BenchModel, benchModel } from "./bench-models.js";
import { median } from "./median.js";

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

/** Small shapes for the architectures that have no real-shape preset. */
const SMALL = {
  hidden_size: 1024,
  num_hidden_layers: 8,
  num_attention_heads: 8,
  num_key_value_heads: 2,
  head_dim: 128,
  intermediate_size: 3072,
  moe_intermediate_size: 768,
  shared_expert_intermediate_size: 768,
  linear_num_key_heads: 8,
  linear_num_value_heads: 16,
  linear_key_head_dim: 64,
  linear_value_head_dim: 64,
};

function modelFor(arch: ModelType): BenchModel {
  if (!MODEL_TYPES.includes(arch))
    throw new Error(`bench decode: --arch must be one of ${MODEL_TYPES.join(", ")}`);
  return arch === "qwen3" ? benchModel("qwen3", "qwen3-0.6b") : benchModel(arch, null, SMALL);
}

export async function main(args: string[]): Promise<void> {
  const json = args.includes("--json");
  const rounds = Number(args[args.indexOf("--rounds") + 1]) || 3;
  const decodeTokens = 64;
  const arch = (args.includes("--arch") ? args[args.indexOf("--arch") + 1] : "qwen3") as ModelType;
  const model = modelFor(arch);
  const rows: Row[] = [];
  for (const quant of ["q4_0", "q8_0"] as const) {
    const gguf = model.gguf(quant);
    for (let round = 0; round < rounds; round++)
      // ABBA order across rounds: a slow drift of the machine's speed weighs on every engine alike
      for (const engine of round % 2 === 0 ? ENGINES : [...ENGINES].reverse()) {
        const out = execFileSync(
          process.execPath,
          [
            new URL("./decode-worker.js", import.meta.url).pathname,
            engine,
            gguf,
            CONTEXTS.join(","),
            String(decodeTokens),
            "512",
          ],
          {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
          },
        );
        for (const line of out.trim().split("\n")) rows.push({ engine, quant, round, ...JSON.parse(line) });
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
            rss_mb: Math.max(seen.rss_mb, row.rss_mb),
          }
        : row,
    );
  }
  // Each ratio is taken within a round, between engines run back to back, then the median over rounds:
  // the machine's speed drifts by ±15% over tens of seconds, which a ratio of two bests does not cancel.
  const paired = (
    field: "decode_tps" | "prefill_tps" | "rss_mb",
    a: string,
    b: string,
    quant: string,
    ctx = 512,
  ) => {
    const at = (engine: string, round: number) =>
      rows.find((r) => r.engine === engine && r.quant === quant && r.ctx === ctx && r.round === round) as Row;
    const ratios = Array.from({ length: rounds }, (_, round) => at(a, round)[field] / at(b, round)[field]);
    return Number(median(ratios).toFixed(3));
  };
  const summary = {
    arch,
    ratio_decode_q4: paired("decode_tps", "rio", "node-llama-cpp", "q4_0"),
    ratio_decode_q8: paired("decode_tps", "rio", "node-llama-cpp", "q8_0"),
    ratio_prefill_q4: paired("prefill_tps", "rio", "node-llama-cpp", "q4_0"),
    ratio_prefill_2048_q4: paired("prefill_tps", "rio", "node-llama-cpp", "q4_0", 2048),
    overhead_vs_bare_q4: paired("decode_tps", "rio", "bare", "q4_0"),
    ratio_rss_q4: paired("rss_mb", "rio", "node-llama-cpp", "q4_0"),
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
