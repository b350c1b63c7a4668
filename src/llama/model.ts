/**
 * @module A loaded llama.cpp model: its sizes and metadata, llama.cpp's own tokenizer, and the factory
 * for contexts.
 */

import { LlamaContext } from "./context.js";
import { physicalCores } from "./discovery.js";
import { LlamaError } from "./errors.js";
import type { LlamaApi } from "./ffi.js";
import { Grammar } from "./grammar.js";
import { type ContextParams, GGML_TYPE } from "./structs.js";
import { Threadpool } from "./threadpool.js";

/** KV cache element types Rio offers (llama_context_params type_k and type_v; both get the same). */
export const KV_TYPES = ["f32", "f16", "q8_0", "q4_0"] as const;
export type KvType = (typeof KV_TYPES)[number];

/** ggml type id of each KV type, and its block: `bytes` per `values` values (ggml's type traits). */
export const KV_TYPE_LAYOUT: Readonly<Record<KvType, { ggml: number; values: number; bytes: number }>> = {
  f32: { ggml: GGML_TYPE.F32, values: 1, bytes: 4 },
  f16: { ggml: GGML_TYPE.F16, values: 1, bytes: 2 },
  q8_0: { ggml: GGML_TYPE.Q8_0, values: 32, bytes: 34 },
  q4_0: { ggml: GGML_TYPE.Q4_0, values: 32, bytes: 18 },
};

/** Whether `type` is a quantised (block) type: llama.cpp then needs flash attention for the V cache. */
export function isQuantisedKv(type: KvType): boolean {
  return KV_TYPE_LAYOUT[type].values > 1;
}

/** Options of LlamaModel.createContext. */
export interface ContextOptions {
  /** Total KV cells (shared by all sequences when kvUnified). */
  nCtx: number;
  /** Most items one decode call may carry (default min(nCtx, 512)). */
  nBatch?: number;
  /** Physical micro-batch (default min(nBatch, 512), llama.cpp's own default). */
  nUbatch?: number;
  /** Number of sequences (ids 0..nSeqMax-1); at most llama.cpp's LLAMA_MAX_SEQ (256). */
  nSeqMax?: number;
  /** CPU threads for both single-token and batch decoding (default and maximum: physical cores). */
  threads?: number;
  /**
   * KV cache element type of K and V (default "f16"; "f32" for exact comparisons). A quantised type
   * (q8_0, q4_0) turns flash attention on: llama.cpp refuses a quantised V cache without it.
   */
  kvType?: KvType;
  /** Flash attention: true/false, or undefined to let llama.cpp decide (on for a quantised KV cache). */
  flashAttention?: boolean;
  /** One KV buffer shared by all sequences (default true). */
  kvUnified?: boolean;
  /**
   * How long CPU workers spin for the next decode before sleeping, 0..100 (ggml's poll level). Default 0:
   * the JavaScript thread needs the cores between decodes; higher levels shave the wake-up (~tens of µs).
   */
  poll?: number;
}

/** A model loaded by Llama.loadModel. */
export class LlamaModel {
  readonly nVocab: number;
  readonly nEmbd: number;
  /** Floats per input embedding row for decodeEmbeddings (equals nEmbd for Qwen3 models). */
  readonly nEmbdInput: number;
  readonly nCtxTrain: number;
  readonly nLayer: number;
  /** general.architecture, e.g. "qwen3". */
  readonly architecture: string;
  /**
   * True when the model keeps per-sequence recurrent state (Mamba-like or hybrid, e.g. qwen35): that state
   * summarises the whole sequence and cannot be cut back to a shorter prefix.
   */
  readonly recurrent: boolean;
  private readonly vocab: unknown;
  private readonly contexts = new Set<LlamaContext>();
  private handle: unknown;

  constructor(
    private readonly api: LlamaApi,
    handle: unknown,
    readonly path: string,
    private readonly contextDefaults: () => ContextParams,
  ) {
    this.handle = handle;
    this.vocab = api.llama_model_get_vocab(handle);
    this.nVocab = api.llama_vocab_n_tokens(this.vocab) as number;
    this.nEmbd = api.llama_model_n_embd(handle) as number;
    this.nEmbdInput = api.llama_model_n_embd_inp(handle) as number;
    this.nCtxTrain = api.llama_model_n_ctx_train(handle) as number;
    this.nLayer = api.llama_model_n_layer(handle) as number;
    this.architecture = this.meta("general.architecture") ?? "";
    this.recurrent = Boolean(api.llama_model_is_recurrent(handle) || api.llama_model_is_hybrid(handle));
  }

  /** Bytes of all the model's tensors as llama.cpp loaded them (llama_model_size). */
  get weightBytes(): number {
    return Number(this.api.llama_model_size(this.live()));
  }

  /**
   * The native `llama_model *` (a koffi pointer) for libraries linked against the same libllama, such as
   * libmtmd; valid until free(). Throws a "freed" LlamaError once the model is freed.
   */
  get nativeHandle(): unknown {
    return this.live();
  }

  /** A metadata value as a string (arrays are not supported by llama.cpp), or undefined when absent. */
  meta(key: string): string | undefined {
    const handle = this.live();
    let buf = new Uint8Array(256);
    let n = this.api.llama_model_meta_val_str(handle, key, buf, buf.length) as number;
    if (n < 0) return undefined;
    if (n >= buf.length) {
      buf = new Uint8Array(n + 1);
      n = this.api.llama_model_meta_val_str(handle, key, buf, buf.length) as number;
    }
    return Buffer.from(buf.buffer, 0, n).toString("utf8");
  }

  /** A GBNF grammar over this model's vocabulary (see Grammar); free() it after the generation. */
  grammar(gbnf: string, root = "root"): Grammar {
    return new Grammar(this.api, this.vocab, this.nVocab, gbnf, root);
  }

  /**
   * llama.cpp's tokenizer. `addSpecial` adds BOS/EOS if the model asks for them; `parseSpecial` turns
   * special-token text such as `<|im_start|>` into its id instead of plain text.
   */
  tokenize(text: string, opts: { addSpecial: boolean; parseSpecial: boolean }): number[] {
    this.live();
    const bytes = Buffer.from(text, "utf8");
    let out = new Int32Array(bytes.length + 8);
    let n = this.api.llama_tokenize(
      this.vocab,
      bytes,
      bytes.length,
      out,
      out.length,
      opts.addSpecial,
      opts.parseSpecial,
    ) as number;
    if (n < 0) {
      if (n === -2147483648)
        throw new LlamaError(
          `tokenize: result for ${bytes.length} bytes overflows int32`,
          "invalid-argument",
        );
      out = new Int32Array(-n);
      n = this.api.llama_tokenize(
        this.vocab,
        bytes,
        bytes.length,
        out,
        out.length,
        opts.addSpecial,
        opts.parseSpecial,
      ) as number;
    }
    return Array.from(out.subarray(0, n));
  }

  /** The bytes of one token (may be a partial UTF-8 sequence); special tokens render as their text. */
  tokenToPiece(id: number, opts: { special?: boolean } = {}): Uint8Array {
    this.live();
    if (!Number.isInteger(id) || id < 0 || id >= this.nVocab)
      throw new LlamaError(
        `tokenToPiece: token ${id} is outside the vocabulary [0, ${this.nVocab})`,
        "invalid-argument",
      );
    const special = opts.special ?? true;
    let buf = new Uint8Array(32);
    let n = this.api.llama_token_to_piece(this.vocab, id, buf, buf.length, 0, special) as number;
    if (n < 0) {
      buf = new Uint8Array(-n);
      n = this.api.llama_token_to_piece(this.vocab, id, buf, buf.length, 0, special) as number;
    }
    return buf.slice(0, n);
  }

  /** Creates a context; throws a LlamaError naming the request when llama.cpp refuses it. */
  createContext(opts: ContextOptions): LlamaContext {
    const handle = this.live();
    const cores = physicalCores();
    const nSeqMax = opts.nSeqMax ?? 1;
    const nBatch = opts.nBatch ?? Math.min(opts.nCtx, 512);
    const threads = opts.threads ?? cores;
    const maxSeq = Number(this.api.llama_max_parallel_sequences());
    const bad = (what: string) => new LlamaError(`createContext: ${what}`, "invalid-argument");
    if (!Number.isInteger(opts.nCtx) || opts.nCtx < 1)
      throw bad(`nCtx = ${opts.nCtx}; expected a positive integer`);
    if (!Number.isInteger(nSeqMax) || nSeqMax < 1 || nSeqMax > maxSeq)
      throw bad(`nSeqMax = ${nSeqMax}; llama.cpp allows 1..${maxSeq}`);
    if (!Number.isInteger(nBatch) || nBatch < 1 || nBatch > opts.nCtx)
      throw bad(`nBatch = ${nBatch}; expected 1..nCtx (${opts.nCtx})`);
    // llama.cpp reserves a decoding graph with one output per sequence and aborts the process when the
    // batch cannot hold them (GGML_ASSERT n_outputs_max in llama-context.cpp)
    if (nBatch < nSeqMax)
      throw bad(`nBatch = ${nBatch} is below nSeqMax = ${nSeqMax}; a batch must hold one token per sequence`);
    if (!Number.isInteger(threads) || threads < 1 || threads > cores)
      throw bad(
        `threads = ${threads}; expected 1..${cores} (physical cores: llama.cpp workers spin, more threads than cores stalls decoding)`,
      );
    const kvType = opts.kvType ?? "f16";
    if (!KV_TYPES.includes(kvType)) throw bad(`kvType = ${kvType}; expected one of ${KV_TYPES.join(", ")}`);
    const flashAttention = contextFlashAttention(kvType, opts.flashAttention, bad);
    const params = this.contextDefaults();
    Object.assign(params, {
      n_ctx: opts.nCtx,
      n_batch: nBatch,
      n_ubatch: opts.nUbatch ?? Math.min(nBatch, 512),
      n_seq_max: nSeqMax,
      n_threads: threads,
      n_threads_batch: threads,
      type_k: KV_TYPE_LAYOUT[kvType].ggml,
      type_v: KV_TYPE_LAYOUT[kvType].ggml,
      flash_attn_type: flashAttention === undefined ? -1 : flashAttention ? 1 : 0,
      kv_unified: opts.kvUnified ?? true,
      no_perf: true,
    });
    const poll = opts.poll ?? 0;
    if (!Number.isInteger(poll) || poll < 0 || poll > 100) throw bad(`poll = ${poll}; expected 0..100`);
    const ctx = this.api.llama_init_from_model(handle, params);
    if (!ctx)
      throw new LlamaError(
        `llama.cpp could not create a context with n_ctx ${opts.nCtx}, n_seq_max ${nSeqMax}, n_batch ${nBatch}, ` +
          `KV type ${kvType} for ${this.path} ` +
          "(out of memory, or a parameter the model does not support; RIO_LLAMA_LOG=1 shows llama.cpp's reason)",
        "context-create-failed",
        this.path,
      );
    const nCtx = this.api.llama_n_ctx(ctx) as number;
    const shape = {
      nCtx,
      nBatch: Math.min(nBatch, nCtx),
      nSeqMax,
      nVocab: this.nVocab,
      nEmbdInput: this.nEmbdInput,
    };
    const threadpool = Threadpool.create(this.api, threads, poll);
    if (threadpool) this.api.llama_attach_threadpool(ctx, threadpool.handle, threadpool.handle);
    const context = new LlamaContext(this.api, ctx, shape, (c) => {
      threadpool?.free();
      this.contexts.delete(c);
    });
    this.contexts.add(context);
    return context;
  }

  /** Frees the model and every context still open on it. */
  free(): void {
    if (!this.handle) return;
    for (const ctx of [...this.contexts]) ctx.free();
    this.api.llama_model_free(this.handle);
    this.handle = undefined;
  }

  private live(): unknown {
    if (!this.handle) throw new LlamaError(`model ${this.path} has been freed`, "freed");
    return this.handle;
  }
}

/**
 * The flash attention setting for a KV type. llama.cpp (llama_init_from_model, src/llama-context.cpp)
 * refuses a quantised V cache when flash attention is disabled and turns "auto" into "enabled" for it,
 * but the auto setting may still be resolved to off when the device lacks the kernel, and then the
 * context constructor throws ("quantized V cache was requested, but this requires Flash Attention"):
 * so a quantised type asks for flash attention explicitly, and an explicit false is refused here.
 */
function contextFlashAttention(
  kvType: KvType,
  requested: boolean | undefined,
  bad: (what: string) => LlamaError,
): boolean | undefined {
  if (!isQuantisedKv(kvType)) return requested;
  if (requested === false)
    throw bad(`kvType = ${kvType} needs flash attention (llama.cpp has no quantised V cache without it)`);
  return true;
}
