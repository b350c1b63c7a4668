/**
 * @module The engine: one llama.cpp context shared by up to maxSequences sequences, and the batched step
 * in which each sequence contributes a prompt chunk (tokens) or one decoding input (an embedding vector).
 * It plans nothing: the scheduler decides what goes into a step, the engine executes it.
 */
import type { LlamaContext } from "../llama/index.js";
import { EngineError } from "./errors.js";
import { PrefixCache, type PrefixCacheOptions, type PrefixCacheStats } from "./prefix-cache.js";
import { type Sequence, SequenceSlot } from "./sequence.js";
import {
  type EmbeddingInput,
  inputRows,
  inputSpan,
  isMediaInput,
  isTokenInput,
  type MediaEmbeddings,
  type StepInput,
  type StepOutput,
  type TokenInput,
} from "./step-plan.js";

/** One decode call's worth of items, filled into reusable arrays. */
interface PendingDecode {
  kind: "tokens" | "embeddings";
  count: number;
  /** For each item that wants logits, in order: the step input it belongs to and its batch index. */
  outputs: { input: number; item: number }[];
}

/** How an Engine uses its context. */
export interface EngineConfig {
  /** Sequences lent to requests (default: all of the context's); ids above them hold cached prefixes. */
  maxSequences?: number;
  /** The prefix cache over the ids above maxSequences; false (or no spare ids) turns it off. */
  prefixCache?: PrefixCacheOptions | false;
  /** The model keeps recurrent state (see LlamaModel.recurrent): only whole cached states are reused. */
  recurrent?: boolean;
  /**
   * Writes token `id`'s embedding row (what llama.cpp's get_rows gives) into `out`. With it, a step that
   * mixes prompt tokens and decoding vectors runs as one embeddings decode instead of a tokens decode and
   * an embeddings decode: one pass over the weights instead of two.
   */
  tokenRow?: (id: number, out: Float32Array) => void;
}

/** Executes batched steps over sequences of one llama.cpp context. */
export class Engine {
  readonly maxSequences: number;
  /** Total positions the context holds, shared by all sequences. */
  readonly capacity: number;
  readonly hiddenSize: number;
  readonly vocabSize: number;
  private readonly slots: SequenceSlot[];
  private readonly free: SequenceSlot[];
  private readonly batchSize: number;
  private readonly tokens: Int32Array;
  private readonly pos: Int32Array;
  /** An image row's height and width M-RoPE positions (text rows repeat pos). */
  private readonly posY: Int32Array;
  private readonly posX: Int32Array;
  private readonly seq: Int32Array;
  private readonly wantLogits: Uint8Array;
  private readonly embd: Float32Array;
  private readonly cache: PrefixCache | undefined;
  private readonly tokenRow: EngineConfig["tokenRow"];
  private busy = false;

  constructor(
    private readonly context: LlamaContext,
    config: EngineConfig = {},
  ) {
    this.maxSequences = config.maxSequences ?? context.nSeqMax;
    if (!Number.isInteger(this.maxSequences) || this.maxSequences < 1 || this.maxSequences > context.nSeqMax)
      throw new EngineError(
        `maxSequences = ${this.maxSequences}; the context has ${context.nSeqMax} sequences`,
      );
    this.capacity = context.nCtx;
    this.hiddenSize = context.nEmbdInput;
    this.vocabSize = context.nVocab;
    this.batchSize = context.nBatch;
    this.slots = Array.from({ length: this.maxSequences }, (_, id) => new SequenceSlot(id));
    this.free = [...this.slots].reverse();
    for (const slot of this.slots) slot.open = false;
    this.tokens = new Int32Array(this.batchSize);
    this.pos = new Int32Array(this.batchSize);
    this.posY = new Int32Array(this.batchSize);
    this.posX = new Int32Array(this.batchSize);
    this.seq = new Int32Array(this.batchSize);
    this.wantLogits = new Uint8Array(this.batchSize);
    this.embd = new Float32Array(this.batchSize * this.hiddenSize);
    this.tokenRow = config.tokenRow;
    const spare = Array.from(
      { length: context.nSeqMax - this.maxSequences },
      (_, i) => this.maxSequences + i,
    );
    if (config.prefixCache !== false && spare.length > 0) {
      const cells = config.prefixCache?.cells ?? Math.floor(this.capacity / 2);
      this.cache = new PrefixCache(context, spare, config.recurrent ?? false, cells);
    }
  }

  /** Counters of the prefix cache; undefined when it is off. */
  get prefixCacheStats(): PrefixCacheStats | undefined {
    return this.cache?.stats;
  }

  /** Positions held by all open sequences together. */
  get cellsInUse(): number {
    let n = 0;
    for (const slot of this.slots) if (slot.open) n += slot.length;
    return n;
  }

  /** Number of sequences that can still be opened. */
  get freeSequences(): number {
    return this.free.length;
  }

  /** Takes a free sequence slot (empty cache, position 0). */
  openSequence(): Sequence {
    const slot = this.free.pop();
    if (!slot)
      throw new EngineError(
        `all ${this.maxSequences} sequences are in use (raise maxSequences)`,
        "no-free-sequence",
      );
    Object.assign(slot, { open: true, length: 0, position: 0, history: [], sharedCells: 0 });
    return slot;
  }

  /** Gives a sequence back: its cache (KV, or recurrent state) is dropped at once and the slot reused. */
  release(sequence: Sequence): void {
    const slot = this.own(sequence);
    if (this.busy) throw new EngineError("release() during a step: wait for the step to finish");
    this.cache?.keep(slot);
    this.cache?.forget(slot);
    this.context.seqRemove(slot.id, -1, -1);
    slot.open = false;
    slot.length = 0;
    slot.position = 0;
    this.free.push(slot);
  }

  /**
   * Starts an empty sequence from the longest cached prefix of `tokens` (always leaving at least the last
   * token to feed, for its logits); returns how many tokens it reused, which the caller then skips. 0 when
   * nothing matches or the cache is off.
   */
  reusePrefix(sequence: Sequence, tokens: ArrayLike<number>): number {
    const slot = this.own(sequence);
    if (!this.cache || slot.length > 0 || tokens.length < 2) return 0;
    if (this.busy) throw new EngineError("reusePrefix() during a step: wait for the step to finish");
    return this.cache.reuse(slot, tokens, tokens.length - 1);
  }

  /**
   * Keeps the sequence's state as it is now as a cached prefix (a checkpoint a later prompt may resume
   * from, e.g. the end of a chat's history); released sequences are kept anyway. No-op when the cache is off.
   */
  keepPrefix(sequence: Sequence): void {
    const slot = this.own(sequence);
    if (this.busy) throw new EngineError("keepPrefix() during a step: wait for the step to finish");
    this.cache?.keep(slot);
  }

  /**
   * Runs one batched step. Token chunks go first (split over several llama_decode calls when they exceed
   * the batch size), then all embedding inputs. Returns logits rows per input (see StepOutput).
   * @example const [[logits]] = await engine.step([{ seq, tokens: promptIds }]);
   */
  async step(inputs: StepInput[]): Promise<StepOutput[]> {
    if (this.busy) throw new EngineError("one step at a time: await the previous step");
    this.validate(inputs);
    const outputs: StepOutput[] = inputs.map(() => []);
    const start = inputs.map(({ seq }) => ({ length: seq.length, position: seq.position }));
    const decodes = this.plan(inputs);
    this.busy = true;
    try {
      for (let d = 0; d < decodes.length; d++) {
        const decode = decodes[d];
        await this.run(decode, inputs, start, d === decodes.length - 1 ? "view" : "copy", outputs);
      }
      inputs.forEach((input, i) => {
        const slot = input.seq as SequenceSlot;
        slot.position = start[i].position + inputSpan(input);
        if (slot.history.length === start[i].length) extendHistory(slot.history, input);
      });
    } catch (error) {
      // Leave every sequence as it was before the step, so the caller can retry or release it. Recurrent
      // state (hybrid models) cannot be cut back: such a sequence is emptied instead, and says so.
      inputs.forEach((input, i) => {
        const slot = input.seq as SequenceSlot;
        if (this.context.seqRemove(slot.id, start[i].position, -1)) Object.assign(slot, start[i]);
        else {
          this.context.seqRemove(slot.id, -1, -1);
          this.cache?.forget(slot);
          Object.assign(slot, { length: 0, position: 0 });
        }
        slot.history.length = Math.min(slot.history.length, slot.length);
      });
      throw error;
    } finally {
      this.busy = false;
    }
    return outputs;
  }

  private validate(inputs: StepInput[]): void {
    const seen = new Set<number>();
    let needed = 0;
    for (const input of inputs) {
      const slot = this.own(input.seq);
      if (seen.has(slot.id)) throw new EngineError(`sequence ${slot.id} appears twice in one step`);
      seen.add(slot.id);
      const n = inputRows(input);
      if (isTokenInput(input) && n === 0) throw new EngineError(`sequence ${slot.id}: empty token chunk`);
      if (isMediaInput(input)) this.validateMedia(slot.id, input.media);
      else if (!isTokenInput(input) && input.embedding.length !== this.hiddenSize)
        throw new EngineError(
          `sequence ${slot.id}: embedding has ${input.embedding.length} floats, expected ${this.hiddenSize}`,
        );
      needed += n;
    }
    const inUse = this.cellsInUse;
    if (inUse + needed > this.capacity)
      throw new EngineError(
        `context full: this step needs ${needed} positions but ${inUse} of ${this.capacity} are in use ` +
          `by ${this.maxSequences - this.free.length} sequences`,
        "context-full",
      );
    // cached prefixes give way to live sequences: the cache never refuses a step that fits without it
    if (this.cache) {
      let owned = 0;
      for (const slot of this.slots) if (slot.open) owned += slot.length - slot.sharedCells;
      this.cache.makeRoom(needed, owned, this.capacity);
    }
  }

  private validateMedia(id: number, media: MediaEmbeddings): void {
    const { nTokens, embeddings, positions, nPos } = media;
    const problem =
      !Number.isInteger(nTokens) || nTokens < 1
        ? `has ${nTokens} rows; expected at least 1`
        : embeddings.length !== nTokens * this.hiddenSize
          ? `has ${embeddings.length} floats; expected ${nTokens} rows x ${this.hiddenSize}`
          : positions.length !== 3 * nTokens
            ? `has ${positions.length} positions; expected 3 x ${nTokens} (temporal, height, width rows)`
            : !Number.isInteger(nPos) || nPos < 1 || positions.some((p) => p < 0 || p >= nPos)
              ? `positions must lie in [0, nPos = ${nPos})`
              : undefined;
    if (problem) throw new EngineError(`sequence ${id}: image block ${problem}`);
  }

  /** Splits the step into decode calls of at most batchSize items: token batches, then embedding batches. */
  private plan(
    inputs: StepInput[],
  ): { kind: "tokens" | "embeddings"; items: { input: number; offset: number; count: number }[] }[] {
    const decodes: ReturnType<Engine["plan"]> = [];
    // prompt chunks beside decoding vectors (a request starting while others decode) ride along as their
    // tokens' embedding rows, the same values get_rows would give; images keep their own decodes
    const merged =
      this.tokenRow !== undefined &&
      inputs.some(isTokenInput) &&
      inputs.some((input) => !isTokenInput(input)) &&
      !inputs.some(isMediaInput);
    for (const kind of merged ? (["embeddings"] as const) : (["tokens", "embeddings"] as const)) {
      let current: (typeof decodes)[number] | undefined;
      let room = 0;
      inputs.forEach((input, index) => {
        if (!merged && isTokenInput(input) !== (kind === "tokens")) return;
        const total = inputRows(input);
        for (let offset = 0; offset < total; ) {
          if (!current || room === 0) {
            current = { kind, items: [] };
            decodes.push(current);
            room = this.batchSize;
          }
          const count = Math.min(room, total - offset);
          current.items.push({ input: index, offset, count });
          offset += count;
          room -= count;
        }
      });
    }
    return decodes;
  }

  private async run(
    decode: ReturnType<Engine["plan"]>[number],
    inputs: StepInput[],
    start: { position: number }[],
    rows: "view" | "copy",
    outputs: StepOutput[],
  ): Promise<void> {
    const pending: PendingDecode = { kind: decode.kind, count: 0, outputs: [] };
    let spatial = false;
    for (const { input: index, offset, count } of decode.items) {
      const input = inputs[index];
      const slot = input.seq as SequenceSlot;
      const base = start[index].position;
      for (let k = 0; k < count; k++) {
        const item = pending.count++;
        const row = offset + k;
        this.seq[item] = slot.id;
        const want = this.wantsLogits(input, row);
        this.wantLogits[item] = want ? 1 : 0;
        if (want) pending.outputs.push({ input: index, item });
        if (isTokenInput(input)) {
          this.pos[item] = base + row;
          this.tokens[item] = input.tokens[row];
          if (decode.kind === "embeddings") {
            this.posY[item] = this.pos[item];
            this.posX[item] = this.pos[item];
            this.tokenRow?.(
              input.tokens[row],
              this.embd.subarray(item * this.hiddenSize, (item + 1) * this.hiddenSize),
            );
          }
        } else if (isMediaInput(input)) {
          const { nTokens, positions, embeddings } = input.media;
          this.pos[item] = base + positions[row];
          this.posY[item] = base + positions[nTokens + row];
          this.posX[item] = base + positions[2 * nTokens + row];
          this.embd.set(
            embeddings.subarray(row * this.hiddenSize, (row + 1) * this.hiddenSize),
            item * this.hiddenSize,
          );
          spatial = true;
        } else {
          this.pos[item] = base;
          this.posY[item] = base;
          this.posX[item] = base;
          this.embd.set((input as EmbeddingInput).embedding, item * this.hiddenSize);
        }
      }
    }
    const n = pending.count;
    const common = {
      pos: this.pos.subarray(0, n),
      seq: this.seq.subarray(0, n),
      logits: this.wantLogits.subarray(0, n),
    };
    if (decode.kind === "tokens")
      await this.context.decodeTokens({ tokens: this.tokens.subarray(0, n), ...common });
    else
      await this.context.decodeEmbeddings({
        embd: this.embd.subarray(0, n * this.hiddenSize),
        ...common,
        ...(spatial && { posY: this.posY.subarray(0, n), posX: this.posX.subarray(0, n) }),
      });
    for (const { input: index, count } of decode.items) (inputs[index].seq as SequenceSlot).length += count;
    for (const { input, item } of pending.outputs) {
      const logits = this.context.logits(item);
      outputs[input].push(rows === "view" ? logits : logits.slice());
    }
  }

  private wantsLogits(input: StepInput, index: number): boolean {
    if (isMediaInput(input)) return input.logits === "last" && index === input.media.nTokens - 1;
    if (!isTokenInput(input)) return true;
    const mode = (input as TokenInput).logits ?? "last";
    return mode === "all" || (mode === "last" && index === input.tokens.length - 1);
  }

  private own(sequence: Sequence): SequenceSlot {
    const slot = this.slots[sequence.id];
    if (slot !== sequence) throw new EngineError(`sequence ${sequence.id} does not belong to this engine`);
    if (!slot.open) throw new EngineError(`sequence ${sequence.id} has been released`);
    return slot;
  }

  /** Frees the llama.cpp context. */
  close(): void {
    this.context.free();
  }
}

/** Appends what `input` fed to a history of token ids, when it was tokens (or a token's embedding row). */
function extendHistory(history: number[], input: StepInput): void {
  if (isTokenInput(input)) for (let k = 0; k < input.tokens.length; k++) history.push(input.tokens[k]);
  else if (!isMediaInput(input) && input.token !== undefined) history.push(input.token);
}
