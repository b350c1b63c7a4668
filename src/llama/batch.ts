/**
 * @module One reusable llama_batch: allocated once by llama_batch_init, filled from typed arrays
 * through zero-copy views of its native arrays (one bulk `set` per field, no per-element FFI).
 */
import koffi from "koffi";
import type { LlamaApi } from "./ffi.js";
import type { Batch } from "./structs.js";

/**
 * Positions per embedding input: M-RoPE models (qwen35, qwen35moe) read 4 rows of n_tokens positions
 * from an embedding batch (llama_batch_allocr::split: pos[j * n_tokens + i]), one from a token batch.
 */
const EMBD_POS_ROWS = 4;

/** A native llama_batch for up to `capacity` tokens (token ids, or embedding rows of `nEmbd` floats). */
export class NativeBatch {
  readonly struct: Batch;
  readonly tokens?: Int32Array;
  readonly embd?: Float32Array;
  readonly pos: Int32Array;
  readonly nSeqId: Int32Array;
  /** seq_id[i] is a separate one-element malloc per token (llama_batch_init). */
  readonly seqIds: Int32Array[];
  readonly outputs: Int8Array;

  constructor(
    private readonly api: LlamaApi,
    readonly capacity: number,
    readonly nEmbd: number,
  ) {
    // llama_batch_init sizes pos like the other per-token arrays, so an embedding batch is made
    // EMBD_POS_ROWS times longer than used to hold the extra position rows
    const slots = nEmbd > 0 ? EMBD_POS_ROWS * capacity : capacity;
    this.struct = api.llama_batch_init(slots, nEmbd, 1) as Batch;
    const s = this.struct;
    const view = (ptr: unknown, bytes: number) => koffi.view(ptr, bytes);
    if (nEmbd > 0) this.embd = new Float32Array(view(s.embd, capacity * nEmbd * 4));
    else this.tokens = new Int32Array(view(s.token, capacity * 4));
    this.pos = new Int32Array(view(s.pos, slots * 4));
    this.nSeqId = new Int32Array(view(s.n_seq_id, capacity * 4));
    this.nSeqId.fill(1);
    const seqPtrs = koffi.decode(s.seq_id, koffi.array("void *", capacity)) as unknown[];
    this.seqIds = seqPtrs.map((p) => new Int32Array(view(p, 4)));
    this.outputs = new Int8Array(view(s.logits, capacity));
  }

  /**
   * Writes the per-token fields shared by both kinds of batch; `input` is the token or embedding data,
   * `spatial` an embedding batch's height and width M-RoPE rows (images).
   */
  fill(
    n: number,
    pos: Int32Array,
    seq: Int32Array,
    logits: Uint8Array,
    input: Int32Array | Float32Array,
    spatial?: { y: Int32Array; x: Int32Array },
  ): void {
    if (this.tokens) this.tokens.set(input as Int32Array);
    else this.embd?.set(input as Float32Array);
    this.pos.set(pos);
    if (this.embd) {
      // M-RoPE rows: temporal, height, width, then one unused row of 0 (llama.cpp reads the height and
      // width rows as a cell's 2-D position too, for causal order inside an image). Text sits at the same
      // position in all three rows (what llm_graph_input_pos::set_input does for token batches).
      this.pos.set(spatial?.y ?? pos, n);
      this.pos.set(spatial?.x ?? pos, 2 * n);
      this.pos.fill(0, 3 * n, 4 * n);
    }
    this.outputs.set(logits);
    for (let i = 0; i < n; i++) this.seqIds[i][0] = seq[i];
    this.struct.n_tokens = n;
  }

  free(): void {
    this.api.llama_batch_free(this.struct);
  }
}
