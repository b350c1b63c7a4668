/**
 * @module Continuous batching. Many requests, each holding one sequence, submit their next input (a
 * prompt or one decoding vector); the scheduler packs whatever is pending into one engine step, so
 * concurrent requests share llama_decode calls, new requests join between steps, long prompts are fed in
 * chunks that leave room for others' decoding steps, and a released sequence is freed at once.
 */

import type { Engine } from "./engine.js";
import { EngineError } from "./errors.js";
import type { Sequence } from "./sequence.js";
import type { MediaEmbeddings, StepInput } from "./step-plan.js";

/** A piece of a prompt: token ids, or an image block that takes their place (see MediaEmbeddings). */
export type PromptPart = { tokens: ArrayLike<number> } | { media: MediaEmbeddings };

/** Options of the Scheduler. */
export interface SchedulerOptions {
  /** Requests that may wait for a free sequence; beyond it acquire() fails with "queue-full" (default 64). */
  maxQueue?: number;
  /** Most prompt tokens fed in one step, over all sequences (default: the engine's batch size). */
  prefillTokensPerStep?: number;
  /** How long a step waits for sequences of the previous step to submit their next input (ms, default 2). */
  gatherMs?: number;
}

interface Pending {
  /** A prompt's parts, the one being fed and how far into it (token parts are fed in chunks). */
  parts?: PromptPart[];
  part: number;
  offset: number;
  embedding?: Float32Array;
  /** The token id whose row `embedding` is, if it is one (keys the position for the prefix cache). */
  token?: number;
  /** Try the prefix cache before feeding (a first prompt that starts with tokens). */
  lookup?: boolean;
  /** A position of the first part where the state is kept as a cached prefix (see PrefillOptions). */
  checkpoint?: number;
  resolve(logits: Float32Array): void;
  reject(error: unknown): void;
}

/** Options of SequenceLease.prefill. */
export interface PrefillOptions {
  /**
   * A position inside the prompt's leading tokens where a later prompt is likely to continue (a chat's
   * history before the generation prompt): the state there is kept as a cached prefix. Attention models
   * can reuse any prefix of a cached sequence anyway; models with recurrent state resume only from states
   * kept at exact positions, such as this one and the end of each request.
   */
  checkpoint?: number;
}

/** One request's sequence, as the scheduler lends it. */
export class SequenceLease {
  /** @internal */ pending: Pending | undefined;
  /** @internal */ released = false;
  private logits: Float32Array | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    /** @internal */ readonly seq: Sequence,
  ) {}

  /** @internal Copies a logits row out of llama.cpp's buffer into the lease's own (reused: no garbage per step). */
  keep(row: Float32Array): Float32Array {
    if (this.logits?.length !== row.length) this.logits = new Float32Array(row.length);
    this.logits.set(row);
    return this.logits;
  }

  /** Positions in this sequence's cache. */
  get length(): number {
    return this.seq.length;
  }

  /** The position of this sequence's next input (differs from length once images were fed). */
  get position(): number {
    return this.seq.position;
  }

  /**
   * Feeds a prompt: token ids, or parts where images take the place of tokens. Tokens go in chunks over
   * as many steps as needed, an image block whole in one step. Resolves with the last position's logits,
   * copied into this lease's own buffer: valid until its next prefill or decode. A first prompt that starts
   * with tokens resumes from the engine's longest cached prefix of them, when there is one.
   */
  prefill(prompt: ArrayLike<number> | PromptPart[], opts: PrefillOptions = {}): Promise<Float32Array> {
    const parts = (
      Array.isArray(prompt) && prompt.some((p) => typeof p === "object")
        ? (prompt as PromptPart[])
        : [{ tokens: prompt as ArrayLike<number> }]
    ).filter((part) => !("tokens" in part) || part.tokens.length > 0);
    if (parts.length === 0) return Promise.reject(new EngineError("prefill needs at least one token"));
    if ("media" in parts[parts.length - 1])
      return Promise.reject(new EngineError("a prompt must end with tokens, not an image"));
    const lookup = this.seq.length === 0 && "tokens" in parts[0];
    return this.submit({ parts, part: 0, offset: 0, lookup, checkpoint: opts.checkpoint });
  }

  /**
   * Feeds one decoding input vector; resolves with the next logits row (same buffer rule as prefill).
   * `token`: the id whose embedding row this is, when it is one (so the prefix cache can key it).
   */
  decode(embedding: Float32Array, token?: number): Promise<Float32Array> {
    return this.submit({ embedding, token, part: 0, offset: 0 });
  }

  /** Gives the sequence back (cache dropped at once, or right after the step in flight); pending work is rejected. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pending?.reject(new EngineError("sequence released", "closed"));
    this.pending = undefined;
    this.scheduler.onRelease(this);
  }

  private submit(input: Omit<Pending, "resolve" | "reject">): Promise<Float32Array> {
    if (this.released) return Promise.reject(new EngineError("sequence already released", "closed"));
    if (this.pending) return Promise.reject(new EngineError("one input at a time per sequence"));
    return new Promise((resolve, reject) => {
      this.pending = { ...input, resolve, reject };
      this.scheduler.wake();
    });
  }
}

/** Shares one Engine among concurrent requests. */
export class Scheduler {
  private readonly leases = new Set<SequenceLease>();
  private readonly waiting: { resolve(lease: SequenceLease): void; reject(error: unknown): void }[] = [];
  private readonly maxQueue: number;
  private readonly prefillBudget: number;
  private readonly gatherMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** Leases of the last step that have not yet submitted again (the step waits a little for them). */
  private expected = new Set<SequenceLease>();
  /** Steps run so far. */
  steps = 0;

  constructor(
    readonly engine: Engine,
    opts: SchedulerOptions = {},
  ) {
    this.maxQueue = opts.maxQueue ?? 64;
    this.prefillBudget = opts.prefillTokensPerStep ?? 512;
    this.gatherMs = opts.gatherMs ?? 2;
  }

  /** Requests waiting for a sequence. */
  get queueDepth(): number {
    return this.waiting.length;
  }

  /** Sequences currently lent out. */
  get activeSequences(): number {
    return this.leases.size;
  }

  /**
   * Lends a sequence: at once when one is free, else after waiting in the queue. Fails with code
   * "queue-full" when the queue is at its limit, or with the signal's reason when aborted while waiting.
   */
  acquire(signal?: AbortSignal): Promise<SequenceLease> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.engine.freeSequences > 0 && this.waiting.length === 0) return Promise.resolve(this.lend());
    if (this.waiting.length >= this.maxQueue)
      return Promise.reject(
        new EngineError(`the request queue is full (${this.maxQueue} waiting)`, "queue-full"),
      );
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiting.push(waiter);
      signal?.addEventListener("abort", () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) {
          this.waiting.splice(index, 1);
          reject(signal.reason);
        }
      });
    });
  }

  /** Fails every waiting and running request (shutdown). */
  cancelAll(reason: Error): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(reason);
    for (const lease of this.leases) {
      lease.pending?.reject(reason);
      lease.pending = undefined;
    }
  }

  /** @internal */ wake(): void {
    if (this.running || this.immediate) return;
    const ready = [...this.expected].every((lease) => lease.pending || lease.released);
    if (ready) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.immediate = setImmediate(() => this.loop());
    } else {
      this.timer ??= setTimeout(() => this.loop(), this.gatherMs);
    }
  }

  /** @internal */ onRelease(lease: SequenceLease): void {
    this.expected.delete(lease);
    if (!this.running) this.free(lease); // else freed when the step in flight ends
    this.wake();
  }

  private lend(): SequenceLease {
    const lease = new SequenceLease(this, this.engine.openSequence());
    this.leases.add(lease);
    return lease;
  }

  private free(lease: SequenceLease): void {
    if (!this.leases.delete(lease)) return;
    this.engine.release(lease.seq);
    const next = this.waiting.shift();
    if (next) next.resolve(this.lend());
  }

  private async loop(): Promise<void> {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (this.running) return;
    const batch = this.collect();
    if (batch.length === 0) return;
    this.running = true;
    try {
      await this.run(batch);
    } finally {
      this.running = false;
      this.freeReleased();
    }
    this.expected = new Set(batch.map((b) => b.lease).filter((lease) => !lease.released));
    if ([...this.leases].some((lease) => lease.pending)) this.wake();
  }

  /**
   * Picks this step's inputs: every pending decoding vector, and prompt chunks up to the token budget (an
   * image block goes whole, once some budget is left, so a large image cannot wait forever).
   */
  private collect(): { lease: SequenceLease; input: StepInput; count: number; last: boolean }[] {
    const batch: ReturnType<Scheduler["collect"]> = [];
    for (const lease of this.leases) {
      const pending = lease.pending;
      if (!pending?.lookup || lease.released) continue;
      pending.lookup = false;
      const first = pending.parts?.[0];
      if (first && "tokens" in first) pending.offset = this.engine.reusePrefix(lease.seq, first.tokens);
    }
    let budget = this.prefillBudget;
    let room = this.engine.capacity - this.engine.cellsInUse;
    for (const lease of this.leases) {
      const pending = lease.pending;
      if (!pending || lease.released) continue;
      const part = pending.parts?.[pending.part];
      const media = part && "media" in part ? part.media : undefined;
      const tokens = part && "tokens" in part ? part.tokens : undefined;
      const remaining = tokens ? tokens.length - pending.offset : media ? media.nTokens : 1;
      let count = tokens ? Math.min(remaining, budget) : media ? (budget > 0 ? remaining : 0) : 1;
      // a chunk ends at the checkpoint, so that the state there can be kept
      const toCheckpoint = pending.part === 0 ? (pending.checkpoint ?? 0) - pending.offset : 0;
      if (tokens && toCheckpoint > 0 && toCheckpoint < count) count = toCheckpoint;
      if (count === 0) continue;
      if (count > room) {
        lease.pending = undefined;
        pending.reject(
          new EngineError(
            `context full: ${this.engine.capacity} positions are shared by all sequences and none are left`,
            "context-full",
          ),
        );
        continue;
      }
      room -= count;
      const last = count === remaining && (!pending.parts || pending.part === pending.parts.length - 1);
      const input: StepInput = tokens
        ? {
            seq: lease.seq,
            tokens: slice(tokens, pending.offset, pending.offset + count),
            logits: last ? "last" : "none",
          }
        : media
          ? { seq: lease.seq, media, logits: "none" }
          : { seq: lease.seq, embedding: pending.embedding as Float32Array, token: pending.token };
      if (part) budget -= count;
      batch.push({ lease, input, count, last });
    }
    return batch;
  }

  private async run(batch: ReturnType<Scheduler["collect"]>): Promise<void> {
    let outputs: Float32Array[][];
    try {
      outputs = await this.engine.step(batch.map((b) => b.input));
    } catch (error) {
      for (const { lease } of batch) {
        lease.pending?.reject(error);
        lease.pending = undefined;
      }
      return;
    }
    this.steps++;
    batch.forEach(({ lease, count, last }, i) => {
      const pending = lease.pending;
      if (!pending) return; // released during the step
      if (pending.part === 0 && pending.offset + count === pending.checkpoint)
        this.engine.keepPrefix(lease.seq);
      if (!last) {
        pending.offset += count;
        const part = pending.parts?.[pending.part];
        const size = part && ("tokens" in part ? part.tokens.length : part.media.nTokens);
        if (pending.offset === size) {
          pending.part++;
          pending.offset = 0;
        }
        return;
      }
      lease.pending = undefined;
      pending.resolve(lease.keep(outputs[i][0]));
    });
  }

  /** Frees the sequences released while a step was in flight. */
  private freeReleased(): void {
    for (const lease of [...this.leases]) if (lease.released) this.free(lease);
  }
}

function slice(tokens: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  return Array.isArray(tokens) || ArrayBuffer.isView(tokens)
    ? (tokens as number[]).slice(start, end)
    : Array.from({ length: end - start }, (_, i) => tokens[start + i]);
}
