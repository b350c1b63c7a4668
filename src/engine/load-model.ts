/**
 * @module loadModel: from a Hugging Face folder or a GGUF file to a loaded model with its tokenizer,
 * generation defaults and embedding table, and createEngine to make a context over it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureModelGguf, type GgufFile, readGguf } from "../checkpoint/index.js";
import {
  type GpuPreference,
  type KvType,
  type Llama,
  type LlamaModel,
  loadLlama,
  physicalCores,
} from "../llama/index.js";
import { RioTokenizer } from "../tokenizer/index.js";
import { checkContextLength, checkKvType, trainedContext } from "./context-checks.js";
import { convertCheckpoint, type ModelQuant } from "./convert-checkpoint.js";
import { Engine } from "./engine.js";
import { tokenizerFromGguf } from "./gguf-tokenizer.js";
import { checkMemory } from "./memory-estimate.js";
import { type PlacementOptions, tensorOverrides } from "./placement.js";
import type { PrefixCacheOptions } from "./prefix-cache.js";
import { TokenEmbeddings } from "./token-embeddings.js";

/** Options of loadModel; the placement fields say where the weights go (default: all on the GPU if any). */
export interface LoadModelOptions extends PlacementOptions {
  /**
   * Quantisation used when converting a Hugging Face folder (default q8_0): one of Rio's own types or a
   * llama.cpp K-quant preset such as q4_k_m. Ignored for GGUF files.
   */
  quant?: ModelQuant;
  /** GPU use: "auto" picks a CUDA/Vulkan build when one is installed and finds a device. */
  gpu?: GpuPreference;
  /** Called while a Hugging Face folder is converted (first load only). */
  onConvertProgress?: (done: number, total: number) => void;
}

/** A loaded model: everything above the kernels needs from it. */
export interface RioModel {
  /** What the user asked for (folder or file). */
  readonly source: string;
  /** The GGUF llama.cpp runs. */
  readonly gguf: GgufFile;
  readonly llama: LlamaModel;
  readonly tokenizer: RioTokenizer;
  /** generation_config.json of a Hugging Face folder ({} for a bare GGUF). */
  readonly generationConfig: Record<string, unknown>;
  readonly embeddings: TokenEmbeddings;
  readonly architecture: string;
  /** The vision projector GGUF (mmproj) of a checkpoint with a vision tower, for a vision encoder. */
  readonly mmproj?: string;
  free(): void;
}

let sharedLlama: Llama | undefined;

/**
 * Loads a model from a Hugging Face folder (converted once to GGUF in the cache) or a GGUF file.
 * @example const model = await loadModel("models/Qwen3-0.6B", { quant: "q8_0" });
 */
export function loadModel(pathOrDir: string, opts: LoadModelOptions = {}): RioModel {
  // first: a K-quant conversion uses llama.cpp, which must load with the caller's GPU preference
  sharedLlama ??= loadLlama({ gpu: opts.gpu });
  const library = sharedLlama;
  const quant = opts.quant ?? "q8_0";
  const onProgress = opts.onConvertProgress;
  const { gguf: ggufPath, mmproj } = ensureModelGguf(pathOrDir, {
    quant,
    onProgress,
    write: (dir, out) => convertCheckpoint(dir, out, quant, onProgress),
  });
  const gguf = readGguf(ggufPath);
  const isFolder = fs.statSync(pathOrDir).isDirectory();
  const tokenizer = isFolder ? RioTokenizer.fromDir(pathOrDir) : tokenizerFromGguf(gguf);
  const embeddings = new TokenEmbeddings(gguf, (type) => library.rowDequantiser(type));
  const llama = library.loadModel(ggufPath, {
    gpuLayers: opts.gpuLayers,
    splitMode: opts.splitMode,
    mainGpu: opts.mainGpu,
    tensorSplit: opts.tensorSplit,
    overrides: tensorOverrides(opts, gguf),
  });
  return {
    source: pathOrDir,
    gguf,
    llama,
    tokenizer,
    generationConfig: isFolder ? readGenerationConfig(pathOrDir) : {},
    embeddings,
    architecture: llama.architecture,
    ...(mmproj && { mmproj }),
    free() {
      embeddings.close();
      llama.free();
    },
  };
}

function readGenerationConfig(dir: string): Record<string, unknown> {
  const file = path.join(dir, "generation_config.json");
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
}

/** Options of createEngine. */
export interface EngineOptions {
  /**
   * Total positions shared by all sequences (default 4096, or the model's maximum when smaller); for one
   * sequence, more than the model's trained context (YaRN-extended when the GGUF has YaRN) is refused.
   */
  ctx?: number;
  /** Concurrent sequences (default 1). */
  maxSequences?: number;
  /** Most inputs one llama_decode call carries (default 512). */
  batchSize?: number;
  /** CPU threads (default: physical cores). */
  threads?: number;
  /**
   * KV cache type: "f16" (default), "f32" (exact comparisons), or the quantised "q8_0" / "q4_0" (flash
   * attention turned on, as llama.cpp requires for a quantised V cache).
   */
  kvType?: KvType;
  flashAttention?: boolean;
  /** How long CPU workers spin for the next decode before sleeping, 0..100 (default 0: sleep at once). */
  poll?: number;
  /**
   * Reuse of computed prompt prefixes across requests (default on: 4 cached prefixes in at most half the context; see prefix-cache.ts):
   * false turns it off, an object sets its limits.
   */
  prefixCache?: boolean | PrefixCacheOptions;
}

/** LLAMA_MAX_SEQ of the pinned llama.cpp: sequence ids per context. */
const MAX_SEQUENCE_IDS = 256;

/**
 * Creates an engine (a llama.cpp context) over a loaded model, after checking the memory it needs, the
 * context length against the model's and the KV type against its head sizes.
 */
export function createEngine(model: RioModel, opts: EngineOptions = {}): Engine {
  const ctx = opts.ctx ?? Math.min(4096, trainedContext(model.gguf).max || 4096);
  const kvType = opts.kvType ?? "f16";
  checkMemory(model.gguf, ctx, kvType);
  checkContextLength(model.gguf, ctx, opts.maxSequences ?? 1);
  checkKvType(model.gguf, kvType);
  const batch = Math.min(opts.batchSize ?? 512, ctx);
  const maxSequences = opts.maxSequences ?? 1;
  const cacheOptions =
    opts.prefixCache === false ? undefined : opts.prefixCache === true ? {} : (opts.prefixCache ?? {});
  // a decode batch must hold one output per sequence id (see LlamaModel.createContext)
  const cacheSlots = cacheOptions
    ? Math.max(0, Math.min(cacheOptions.slots ?? 4, MAX_SEQUENCE_IDS - maxSequences, batch - maxSequences))
    : 0;
  const context = model.llama.createContext({
    nCtx: ctx,
    nBatch: batch,
    nUbatch: batch,
    nSeqMax: maxSequences + cacheSlots,
    threads: opts.threads ?? physicalCores(),
    kvType,
    flashAttention: opts.flashAttention,
    poll: opts.poll,
  });
  return new Engine(context, {
    maxSequences,
    prefixCache: cacheSlots > 0 ? cacheOptions : false,
    recurrent: model.llama.recurrent,
    tokenRow:
      model.embeddings.hiddenSize === context.nEmbdInput
        ? (id, out) => model.embeddings.row(id, out)
        : undefined,
  });
}
