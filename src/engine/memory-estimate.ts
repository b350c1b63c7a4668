/**
 * @module A conservative estimate of the memory a model and its context need, checked before llama.cpp
 * allocates anything: llama.cpp would otherwise fail deep inside an allocation or be killed by the OOM
 * killer with no useful message.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import type { GgufFile } from "../checkpoint/index.js";
import type { KvType } from "../llama/index.js";
import { EngineError } from "./errors.js";
import { ggufFootprint, kvBytesPerPosition } from "./model-footprint.js";

/**
 * Bytes of weights (the file) and of the KV cache for nCtx positions of `kvType` (the attention layers
 * only: a hybrid's linear-attention layers keep a small per-sequence state instead).
 */
export function estimateMemory(
  gguf: GgufFile,
  nCtx: number,
  kvType: KvType,
): { weights: number; kvCache: number } {
  const perPosition = kvBytesPerPosition(ggufFootprint(gguf), kvType).reduce((a, b) => a + b, 0);
  return { weights: fs.statSync(gguf.path).size, kvCache: perPosition * nCtx };
}

/** Throws a clear error when the estimate exceeds the machine's memory. */
export function checkMemory(gguf: GgufFile, nCtx: number, kvType: KvType, available = os.totalmem()): void {
  const { weights, kvCache } = estimateMemory(gguf, nCtx, kvType);
  if (weights + kvCache > available) {
    const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;
    throw new EngineError(
      `${gguf.path}: needs about ${gib(weights)} of weights + ${gib(kvCache)} of KV cache for ${nCtx} positions ` +
        `(${kvType}), but this machine has ${gib(available)}: lower the context size (--ctx), quantise the KV cache ` +
        "(--kv-type q8_0 or q4_0) or use a smaller quantisation",
      "out-of-memory",
    );
  }
}
