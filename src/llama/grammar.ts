/**
 * @module llama.cpp's GBNF grammar sampler as a veto on tokens: which tokens may come next for the text to
 * stay inside a grammar (JSON mode). Rio still samples in TypeScript; the grammar only rules tokens out.
 */
import koffi from "koffi";
import { LlamaError } from "./errors.js";
import type { LlamaApi } from "./ffi.js";

/** sizeof(llama_token_data): int32 id, float logit, float p. */
const ENTRY_BYTES = 12;

/** A grammar's state over one generation; free() it when the generation ends. */
export class Grammar {
  private sampler: unknown;
  private readonly entries: unknown;
  private readonly ids: Int32Array;
  private readonly logits: Float32Array;

  /** Parses `gbnf` (llama.cpp's grammar format) against the model's vocabulary; throws on a bad grammar. */
  constructor(
    private readonly api: LlamaApi,
    vocab: unknown,
    private readonly nVocab: number,
    gbnf: string,
    root = "root",
  ) {
    this.sampler = api.llama_sampler_init_grammar(vocab, gbnf, root);
    if (!this.sampler)
      throw new LlamaError(
        `the grammar does not parse or has no rule "${root}" (RIO_LLAMA_LOG=1 shows llama.cpp's reason)`,
        "invalid-argument",
      );
    this.entries = koffi.alloc("uint8_t", nVocab * ENTRY_BYTES);
    const memory = koffi.view(this.entries, nVocab * ENTRY_BYTES);
    this.ids = new Int32Array(memory);
    this.logits = new Float32Array(memory);
  }

  /** True when the grammar lets token `id` come next. */
  allows(id: number): boolean {
    this.live(); // the views below point into memory free() releases
    this.ids[0] = id;
    this.logits[1] = 0;
    this.apply(1);
    return this.logits[1] !== Number.NEGATIVE_INFINITY;
  }

  /** A copy of `logits` (one per vocabulary entry) with every token the grammar rules out at -Infinity. */
  mask(logits: Float32Array): Float32Array {
    this.live();
    const n = Math.min(logits.length, this.nVocab);
    for (let i = 0; i < n; i++) {
      this.ids[3 * i] = i;
      this.logits[3 * i + 1] = logits[i];
    }
    this.apply(n);
    const out = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < n; i++) out[i] = this.logits[3 * i + 1];
    return out;
  }

  /** The ids among `ids` the grammar lets come next, in their order (one llama.cpp call for all). */
  allowedAmong(ids: Int32Array): Int32Array {
    this.live();
    const n = Math.min(ids.length, this.nVocab);
    for (let i = 0; i < n; i++) {
      this.ids[3 * i] = ids[i];
      this.logits[3 * i + 1] = 0;
    }
    this.apply(n);
    const allowed: number[] = [];
    for (let i = 0; i < n; i++) if (this.logits[3 * i + 1] !== Number.NEGATIVE_INFINITY) allowed.push(ids[i]);
    return Int32Array.from(allowed);
  }

  /** Advances the grammar past token `id`, which it must allow (llama.cpp aborts the process otherwise). */
  accept(id: number): void {
    if (!this.allows(id))
      throw new LlamaError(`token ${id} does not continue the grammar`, "invalid-argument");
    this.api.llama_sampler_accept(this.live(), id);
  }

  free(): void {
    if (!this.sampler) return;
    this.api.llama_sampler_free(this.sampler);
    koffi.free(this.entries);
    this.sampler = undefined;
  }

  private apply(size: number): void {
    this.api.llama_sampler_apply(this.live(), { data: this.entries, size, selected: -1, sorted: false });
  }

  private live(): unknown {
    if (!this.sampler) throw new LlamaError("the grammar has been freed", "invalid-argument");
    return this.sampler;
  }
}
