/**
 * @module A llama.cpp context: KV cache / recurrent state for up to nSeqMax sequences, decoding of
 * token or embedding batches as async koffi calls (off the event loop), and logits read through
 * zero-copy views of llama.cpp's output buffer.
 */
import koffi from "koffi";
import { NativeBatch } from "./batch.js";
import { decodeError, LlamaError } from "./errors.js";
import type { LlamaApi } from "./ffi.js";

/** One batch of token ids: per item its position, sequence and whether logits are wanted (0/1). */
export interface TokenBatch {
  tokens: Int32Array;
  pos: Int32Array;
  seq: Int32Array;
  logits: Uint8Array;
}

/**
 * One batch of input embeddings: `embd` holds pos.length rows of nEmbdInput floats. For M-RoPE models an
 * image's rows also carry their height (`posY`) and width (`posX`) positions; without them every row is
 * placed like text (pos in all three rows).
 */
export interface EmbeddingBatch {
  embd: Float32Array;
  pos: Int32Array;
  seq: Int32Array;
  logits: Uint8Array;
  posY?: Int32Array;
  posX?: Int32Array;
}

/** Sizes fixed when the context was created. */
export interface ContextShape {
  nCtx: number;
  nBatch: number;
  nSeqMax: number;
  nVocab: number;
  nEmbdInput: number;
}

/** A llama.cpp context created by LlamaModel.createContext. */
export class LlamaContext {
  readonly nCtx: number;
  readonly nBatch: number;
  readonly nSeqMax: number;
  readonly nVocab: number;
  /** Floats per input embedding row (llama_model_n_embd_inp). */
  readonly nEmbdInput: number;
  private readonly tokenBatch: NativeBatch;
  /** Allocated on first use: nBatch rows of nEmbdInput floats can be tens of MB. */
  private embdBatch?: NativeBatch;
  private readonly memory: unknown;
  private handle: unknown;
  private inFlight = false;
  /** Batch indices that produced logits in the last successful decode. */
  private lastOutputs = new Uint8Array(0);
  /** A view of llama.cpp's output buffer, kept across decodes while the buffer stays (see logits()). */
  private outputView?: { base: bigint; rows: Float32Array };

  constructor(
    private readonly api: LlamaApi,
    handle: unknown,
    shape: ContextShape,
    private readonly onFree: (ctx: LlamaContext) => void,
  ) {
    this.handle = handle;
    ({
      nCtx: this.nCtx,
      nBatch: this.nBatch,
      nSeqMax: this.nSeqMax,
      nVocab: this.nVocab,
      nEmbdInput: this.nEmbdInput,
    } = shape);
    this.tokenBatch = new NativeBatch(api, this.nBatch, 0);
    this.memory = api.llama_get_memory(handle);
  }

  /**
   * Decodes token ids; resolves when llama.cpp is done (the event loop keeps running meanwhile).
   * Bad input rejects with an "invalid-argument" LlamaError before llama.cpp sees it.
   */
  async decodeTokens(items: TokenBatch): Promise<void> {
    const n = this.check(items.tokens.length, items);
    for (let i = 0; i < n; i++) {
      const t = items.tokens[i];
      if (t < 0 || t >= this.nVocab)
        throw this.invalid(`tokens[${i}] = ${t} is outside the vocabulary [0, ${this.nVocab})`);
    }
    return this.decode(this.tokenBatch, n, items, items.tokens);
  }

  /** Decodes input embedding rows (e.g. SwiReasoning mixtures); same contract as decodeTokens. */
  async decodeEmbeddings(items: EmbeddingBatch): Promise<void> {
    const n = items.pos.length;
    if (items.embd.length !== n * this.nEmbdInput)
      throw this.invalid(`embd has ${items.embd.length} floats; expected ${n} rows x ${this.nEmbdInput}`);
    this.check(n, items);
    for (const field of ["posY", "posX"] as const) {
      const rows = items[field];
      if (rows && rows.length !== n) throw this.invalid(`${field} has ${rows.length} entries; expected ${n}`);
      if (rows?.some((p) => p < 0)) throw this.invalid(`${field} has a negative position`);
    }
    if ((items.posY === undefined) !== (items.posX === undefined))
      throw this.invalid("posY and posX go together (an image's height and width positions)");
    this.embdBatch ??= new NativeBatch(this.api, this.nBatch, this.nEmbdInput);
    return this.decode(this.embdBatch, n, items, items.embd);
  }

  /**
   * The logits row of batch item `batchIndex` from the last decode, as a zero-copy view of
   * llama.cpp's buffer: valid only until the next decode, clear or free (copy it to keep it).
   */
  logits(batchIndex: number): Float32Array {
    const handle = this.live();
    if (this.inFlight) throw this.invalid("logits() called while a decode is in flight");
    if (!this.lastOutputs[batchIndex])
      throw this.invalid(`batch item ${batchIndex} of the last decode did not request logits`);
    const ptr = this.api.llama_get_logits_ith(handle, batchIndex);
    if (!ptr) throw this.invalid(`llama_get_logits_ith(${batchIndex}) returned NULL`);
    // Each row is a subarray of one view over the output buffer. llama.cpp reallocates that buffer only
    // to grow it, so a view stays valid while the base address is unchanged; a new external ArrayBuffer
    // per decode (megabytes each) would instead drive V8 into a major GC every few steps.
    const base = this.api.llama_get_logits(handle);
    const rows = this.lastOutputs.reduce((a, b) => a + (b ? 1 : 0), 0);
    if (
      !this.outputView ||
      this.outputView.base !== koffi.address(base) ||
      this.outputView.rows.length < rows * this.nVocab
    ) {
      this.outputView = {
        base: koffi.address(base),
        rows: new Float32Array(koffi.view(base, rows * this.nVocab * 4)),
      };
    }
    const offset = Number(koffi.address(ptr) - this.outputView.base) / 4;
    if (offset < 0 || offset + this.nVocab > this.outputView.rows.length)
      throw this.invalid(`llama_get_logits_ith(${batchIndex}) points outside the output buffer`);
    return this.outputView.rows.subarray(offset, offset + this.nVocab);
  }

  /** Removes positions [p0, p1) of sequence `seq` (-1 = open end); false if a partial removal is impossible. */
  seqRemove(seq: number, p0 = -1, p1 = -1): boolean {
    this.idle();
    this.checkSeq(seq, "seq");
    return this.api.llama_memory_seq_rm(this.memory, seq, p0, p1) as boolean;
  }

  /**
   * Gives `dst` the cells of `src` with positions in [p0, p1) (-1 = open end). In the unified KV cache the
   * cells are shared, not copied (llama_kv_cache::seq_cp adds dst to their sequence sets); recurrent state
   * is always copied whole, shared until one of the two sequences decodes (copy on write in find_slot).
   */
  seqCopy(src: number, dst: number, p0 = -1, p1 = -1): void {
    this.idle();
    this.checkSeq(src, "src");
    this.checkSeq(dst, "dst");
    this.api.llama_memory_seq_cp(this.memory, src, dst, p0, p1);
  }

  /** Largest position stored for `seq`, or -1 when the sequence is empty. */
  seqPosMax(seq: number): number {
    this.idle();
    this.checkSeq(seq, "seq");
    return this.api.llama_memory_seq_pos_max(this.memory, seq) as number;
  }

  /** Empties the memory of every sequence. */
  clear(): void {
    this.idle();
    this.api.llama_memory_clear(this.memory, true);
    this.lastOutputs = new Uint8Array(0);
  }

  /** Releases the context and its batches; the object is unusable afterwards. */
  free(): void {
    if (!this.handle) return;
    this.idle();
    this.tokenBatch.free();
    this.embdBatch?.free();
    this.api.llama_free(this.handle);
    this.handle = undefined;
    this.onFree(this);
  }

  private async decode(
    batch: NativeBatch,
    n: number,
    items: TokenBatch | EmbeddingBatch,
    input: Int32Array | Float32Array,
  ): Promise<void> {
    const handle = this.live();
    const spatial =
      "posY" in items && items.posY && items.posX ? { y: items.posY, x: items.posX } : undefined;
    batch.fill(n, items.pos, items.seq, items.logits, input, spatial);
    this.inFlight = true;
    this.lastOutputs = new Uint8Array(0);
    let rc: number;
    try {
      rc = await new Promise<number>((resolve, reject) =>
        this.api.llama_decode.async(handle, batch.struct, (err: unknown, res: number) =>
          err ? reject(err) : resolve(res),
        ),
      );
    } finally {
      this.inFlight = false;
    }
    if (rc !== 0) throw decodeError(rc, n);
    this.lastOutputs = items.logits.slice(0, n);
  }

  /** Validates the per-item arrays before llama.cpp sees them (some bad batches abort it). */
  private check(n: number, items: TokenBatch | EmbeddingBatch): number {
    this.idle();
    if (n < 1 || n > this.nBatch)
      throw this.invalid(`batch has ${n} items; expected 1..${this.nBatch} (nBatch)`);
    for (const field of ["pos", "seq", "logits"] as const)
      if (items[field].length !== n)
        throw this.invalid(`${field} has ${items[field].length} entries; expected ${n}`);
    for (let i = 0; i < n; i++) {
      this.checkSeq(items.seq[i], `seq[${i}]`);
      if (items.pos[i] < 0) throw this.invalid(`pos[${i}] = ${items.pos[i]} is negative`);
    }
    return n;
  }

  private checkSeq(seq: number, what: string): void {
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.nSeqMax)
      throw this.invalid(`${what} = ${seq} is outside [0, ${this.nSeqMax}) (nSeqMax)`);
  }

  private idle(): void {
    this.live();
    if (this.inFlight)
      throw this.invalid("the context is busy: one decode at a time, await the previous one");
  }

  private live(): unknown {
    if (!this.handle) throw new LlamaError("the llama context has been freed", "freed");
    return this.handle;
  }

  private invalid(message: string): LlamaError {
    return new LlamaError(`LlamaContext: ${message}`, "invalid-argument");
  }
}
