/**
 * @module The WebAssembly module built from `assembly/` (dist/wasm/kernels.wasm, by `npm run build`) and
 * its one linear memory. Kernels take byte offsets into that memory; a caller claims the scratch space it
 * needs, which invalidates whatever the previous claim put there.
 */
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";

/** The exports of assembly/index.ts. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  scratchBase(): number;
  maxOf(row: number, n: number): number;
  softmaxStats(row: number, n: number, max: number, invT: number, out: number): void;
  collectAtLeast(row: number, n: number, threshold: number, out: number): number;
  topK(row: number, n: number, k: number, heap: number, out: number): number;
  mixQ8_0(rows: number, count: number, n: number, weights: number, out: number): void;
  mixQ4_0(rows: number, count: number, n: number, weights: number, out: number): void;
  mixF32(rows: number, count: number, n: number, weights: number, out: number): void;
  mixF16(rows: number, count: number, n: number, weights: number, out: number): void;
  mixBF16(rows: number, count: number, n: number, weights: number, out: number): void;
}

const WASM_PATH = fileURLToPath(new URL("../../wasm/kernels.wasm", import.meta.url));
const PAGE = 65536;

let exports: KernelExports | undefined;
let claims = 0;

/** The instantiated module (compiled on first use). */
export function kernels(): KernelExports {
  if (exports) return exports;
  if (!fs.existsSync(WASM_PATH))
    throw new Error(`Rio's WebAssembly kernels are missing at ${WASM_PATH}: run \`npm run build\` first`);
  const module = new WebAssembly.Module(fs.readFileSync(WASM_PATH));
  exports = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  return exports;
}

/** Rounds a byte offset up to 16 (v128 alignment). */
export const align16 = (bytes: number) => (bytes + 15) & ~15;

/**
 * Makes sure `bytes` of scratch exist from the first free offset and returns that offset, plus a check
 * that throws once a later claim has reused the space.
 */
export function claimScratch(bytes: number, owner: string): { base: number; live(): ArrayBuffer } {
  const k = kernels();
  const base = align16(k.scratchBase());
  const needed = base + bytes;
  if (k.memory.buffer.byteLength < needed)
    k.memory.grow(Math.ceil((needed - k.memory.buffer.byteLength) / PAGE));
  const mine = ++claims;
  return {
    base,
    live() {
      if (mine !== claims) throw new Error(`${owner}: its scratch was reused by a later kernel call`);
      return k.memory.buffer;
    },
  };
}
