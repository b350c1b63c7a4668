/**
 * @module `npm run bench -- kernels [--json]`: milliseconds per call of the per-step work over a
 * 151936-entry logits row (Qwen3's vocabulary) and of a 1024-row soft-input mixture at hidden size 1024,
 * on seeded synthetic data: what one decoding step costs Rio's single JavaScript thread per sequence.
 */
import { GgmlType, quantise } from "../src/checkpoint/index.js";
import { headOf, Rng, softmaxSummary, topKIndices, topMass } from "../src/decoding/index.js";
import { mixRows } from "../src/kernels/index.js";

const VOCAB = 151936;
const HIDDEN = 1024;
const TABLE_ROWS = 16384; // a slice of a table: enough rows that a mixture's reads are scattered

function msPerCall(f: () => void, calls = 200): number {
  for (let i = 0; i < 20; i++) f();
  const start = performance.now();
  for (let i = 0; i < calls; i++) f();
  return Number(((performance.now() - start) / calls).toFixed(3));
}

export async function main(args: string[]): Promise<void> {
  const rng = new Rng(1);
  // Logits with a realistic spread (std ~4, as the tiny models' are): heads of hundreds of tokens.
  const logits = Float32Array.from({ length: VOCAB }, () => (rng.next() + rng.next() + rng.next() - 1.5) * 6);
  const table = quantise(
    GgmlType.Q8_0,
    Float32Array.from({ length: TABLE_ROWS * HIDDEN }, () => rng.next() - 0.5),
  );
  const ids = Array.from({ length: 1024 }, () => Math.floor(rng.next() * TABLE_ROWS));
  const weights = ids.map(() => 1 / 1024);
  const summary = softmaxSummary(logits);
  const result = {
    bench: "kernels",
    entropy_ms: msPerCall(() => softmaxSummary(logits)),
    head_1024_ms: msPerCall(() => headOf(logits, summary, { mass: 0.999, maxCount: 1024 })),
    top_mass_1024_ms: msPerCall(() => topMass(logits, { mass: 0.999, maxCount: 1024 })),
    top_k_20_ms: msPerCall(() => topKIndices(logits, 20)),
    mix_1024_rows_q8_0_ms: msPerCall(() => mixRows(table, "q8_0", HIDDEN, ids, weights)),
  };
  console.log(args.includes("--json") ? JSON.stringify(result) : result);
}
