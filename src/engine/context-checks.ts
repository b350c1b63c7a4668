/**
 * @module Checks of a context request against the model, made before llama.cpp allocates anything: the
 * context length against the length the model was trained for (extended by YaRN when the GGUF says so),
 * and a quantised KV type against the head sizes its blocks must divide.
 */
import { type GgufFile, ggufMetadataValue } from "../checkpoint/index.js";
import { isQuantisedKv, KV_TYPE_LAYOUT, type KvType } from "../llama/index.js";
import { EngineError } from "./errors.js";

/** The positions a model may use: trained, and as extended by its RoPE scaling. */
export interface TrainedContext {
  /** `<arch>.context_length` (config.json max_position_embeddings; llama.cpp's n_ctx_train). */
  contextLength: number;
  /** YaRN: `rope.scaling.original_context_length` x `rope.scaling.factor`; absent without YaRN. */
  yarnLength?: number;
  /** The most positions Rio allows: the larger of the two. */
  max: number;
}

/** The trained context of a GGUF, from its metadata. */
export function trainedContext(gguf: GgufFile): TrainedContext {
  const arch = String(ggufMetadataValue(gguf, "general.architecture"));
  const value = (key: string) => ggufMetadataValue(gguf, `${arch}.${key}`);
  const contextLength = Number(value("context_length") ?? 0);
  const original = Number(value("rope.scaling.original_context_length") ?? contextLength);
  const yarnLength =
    value("rope.scaling.type") === "yarn"
      ? Math.floor(original * Number(value("rope.scaling.factor") ?? 1))
      : undefined;
  return {
    contextLength,
    ...(yarnLength !== undefined && { yarnLength }),
    max: Math.max(contextLength, yarnLength ?? 0),
  };
}

/**
 * Throws when one sequence (`maxSequences` 1) could run past the model's trained context. llama.cpp itself
 * only logs "n_ctx_seq > n_ctx_train -- possible training context overflow" and runs positions the model
 * never saw (src/llama-context.cpp); with YaRN in the GGUF the extended length counts as trained. Several
 * sequences may share more cells than that in total: the server then keeps each request within the
 * maximum (it is the per-request context length), and llama.cpp's warning about the shared n_ctx is moot.
 */
export function checkContextLength(gguf: GgufFile, nCtx: number, maxSequences = 1): void {
  const trained = trainedContext(gguf);
  if (trained.contextLength === 0 || nCtx <= trained.max || maxSequences > 1) return;
  const yarn =
    trained.yarnLength === undefined
      ? "; config.json rope_scaling (YaRN) can extend it"
      : ` (YaRN-extended length ${trained.yarnLength}, trained length ${trained.contextLength})`;
  throw new EngineError(
    `${gguf.path}: a context of ${nCtx} positions exceeds the model's maximum of ${trained.max}${yarn}; lower --ctx`,
    "invalid",
  );
}

/** Throws when a quantised KV type's block does not divide every head (llama.cpp refuses the context then). */
export function checkKvType(gguf: GgufFile, kvType: KvType): void {
  if (!isQuantisedKv(kvType)) return;
  const arch = String(ggufMetadataValue(gguf, "general.architecture"));
  const num = (key: string, fallback = 0) => Number(ggufMetadataValue(gguf, `${arch}.${key}`) ?? fallback);
  const headDim = num("embedding_length") / Math.max(1, num("attention.head_count"));
  const block = KV_TYPE_LAYOUT[kvType].values;
  for (const [name, size] of [
    ["key_length", num("attention.key_length", headDim)],
    ["value_length", num("attention.value_length", headDim)],
  ] as const) {
    if (size % block !== 0)
      throw new EngineError(
        `--kv-type ${kvType}: its ${block}-value blocks do not divide the model's head size ${size} ` +
          `(${arch}.attention.${name}); llama.cpp refuses such a cache: use f16 or f32`,
        "invalid",
      );
  }
}
