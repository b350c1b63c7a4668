/**
 * @module A conservative estimate of the memory a model and its context need, checked before llama.cpp
 * allocates anything: llama.cpp would otherwise fail deep inside an allocation or be killed by the OOM
 * killer with no useful message.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { type GgufFile, ggufMetadataValue } from "../checkpoint/index.js";
import { KV_TYPE_LAYOUT, type KvType } from "../llama/index.js";
import { EngineError } from "./errors.js";

/**
 * Bytes of weights (the file) and of the KV cache for nCtx positions of `kvType` (all layers: an upper
 * bound for hybrids, whose linear-attention layers keep a fixed state instead).
 */
export function estimateMemory(
  gguf: GgufFile,
  nCtx: number,
  kvType: KvType,
): { weights: number; kvCache: number } {
  const arch = String(ggufMetadataValue(gguf, "general.architecture"));
  const num = (key: string, fallback = 0) => Number(ggufMetadataValue(gguf, `${arch}.${key}`) ?? fallback);
  const layers = num("block_count");
  const headsKv = num("attention.head_count_kv", num("attention.head_count"));
  const headDim = num("embedding_length") / Math.max(1, num("attention.head_count"));
  const keyLength = num("attention.key_length", headDim);
  const valueLength = num("attention.value_length", headDim);
  // a quantised row is stored in blocks (q8_0: 34 bytes per 32 values); a partial block still takes one
  const { values, bytes } = KV_TYPE_LAYOUT[kvType];
  const rowBytes = (n: number) => Math.ceil(n / values) * bytes;
  return {
    weights: fs.statSync(gguf.path).size,
    kvCache: layers * nCtx * (rowBytes(headsKv * keyLength) + rowBytes(headsKv * valueLength)),
  };
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
