/**
 * @module
 * Typed access to the WebAssembly SIMD kernels of `assembly/logits.ts` (built into dist/wasm by
 * `npm run build`): the full-vocabulary passes of a decoding step. A row is copied into the module's
 * memory once (~50 µs for 152k floats) and every pass then runs over that copy.
 */

import * as fs from "node:fs";
import { fileURLToPath } from "node:url";

/** Histogram bins of {@link LoadedRow.softmaxStats}: 0.25 nats of log-probability each, the last one open. */
export const BIN_COUNT = 160;
export const BINS_PER_NAT = 4;

interface KernelExports {
  memory: WebAssembly.Memory;
  scratchBase(): number;
  histogramBytes(): number;
  maxOf(row: number, n: number): number;
  softmaxStats(row: number, n: number, max: number, invT: number, out: number, bins: number): void;
  collectAtLeast(row: number, n: number, threshold: number, out: number): number;
  topK(row: number, n: number, k: number, heap: number, out: number): number;
}

/** Softmax statistics of y = (row - max) * invT: Z = sum e^y and M = sum e^y y (entropy = log Z - M / Z). */
export interface SoftmaxStats {
  z: number;
  moment: number;
}

/** The row last passed to {@link loadRow}; its methods fail once another row has been loaded. */
export interface LoadedRow {
  readonly length: number;
  /** Largest value (-Infinity when every entry is). */
  max(): number;
  /** Z and M, plus (with `histogram`) mass and count per log-probability bin (views valid until the next call). */
  softmaxStats(
    max: number,
    invT: number,
    histogram: boolean,
  ): SoftmaxStats & { binMass?: Float64Array; binCount?: Int32Array };
  /** Ids, ascending, of the finite entries >= threshold. */
  collectAtLeast(threshold: number): Int32Array;
  /** Ids of the k largest finite entries, value descending, ties by id ascending. */
  topK(k: number): Int32Array;
}

const WASM_PATH = fileURLToPath(new URL("../../wasm/logits.wasm", import.meta.url));
const STATS_BYTES = 16;
const PAGE = 65536;

let kernels: KernelExports | undefined;
let generation = 0;

function instance(): KernelExports {
  if (kernels) return kernels;
  if (!fs.existsSync(WASM_PATH))
    throw new Error(`Rio's logits kernels are missing at ${WASM_PATH}: run \`npm run build\` first`);
  const module = new WebAssembly.Module(fs.readFileSync(WASM_PATH));
  kernels = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  return kernels;
}

const align16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * Copies `row` into the kernels' memory and returns the passes over it.
 *
 * @example
 * const row = loadRow(logits);
 * const top20 = row.topK(20);
 */
export function loadRow(values: Float32Array): LoadedRow {
  const k = instance();
  const n = values.length;
  const stats = align16(k.scratchBase());
  const bins = stats + STATS_BYTES;
  const row = align16(bins + k.histogramBytes());
  const out = align16(row + n * 4);
  const heap = align16(out + n * 4);
  const needed = heap + n * 8;
  if (k.memory.buffer.byteLength < needed)
    k.memory.grow(Math.ceil((needed - k.memory.buffer.byteLength) / PAGE));
  new Float32Array(k.memory.buffer, row, n).set(values);
  const mine = ++generation;
  const live = () => {
    if (mine !== generation) throw new Error("loadRow: this row was replaced by a later loadRow call");
    return k.memory.buffer;
  };
  return {
    length: n,
    max() {
      live();
      return k.maxOf(row, n);
    },
    softmaxStats(max, invT, histogram) {
      const buffer = live();
      k.softmaxStats(row, n, max, invT, stats, histogram ? bins : 0);
      const [z, moment] = new Float64Array(buffer, stats, 2);
      if (!histogram) return { z, moment };
      return {
        z,
        moment,
        binMass: new Float64Array(buffer, bins, BIN_COUNT),
        binCount: new Int32Array(buffer, bins + BIN_COUNT * 8, BIN_COUNT),
      };
    },
    collectAtLeast(threshold) {
      const buffer = live();
      const count = k.collectAtLeast(row, n, threshold, out);
      return new Int32Array(buffer, out, count).slice();
    },
    topK(size) {
      const buffer = live();
      const count = k.topK(row, n, Math.max(0, Math.min(size, n)), heap, out);
      return new Int32Array(buffer, out, count).slice();
    },
  };
}
