/**
 * @module The prefix cache: states of finished (or checkpointed) sequences kept in spare llama.cpp sequence
 * ids, so that a prompt beginning with the same tokens resumes from them instead of prefilling again.
 *
 * Attention-only models keep KV cells, which hold each position independently: any prefix of a cached
 * sequence is valid, so a prompt takes the longest common prefix with any entry. `llama_memory_seq_cp`
 * shares the cells (the unified KV cache adds the destination to each cell's sequence set; no data moves).
 *
 * Models with recurrent state (qwen35 hybrids) keep, besides the KV cells, one convolution and delta-net
 * state per sequence that summarises all of it and cannot be cut back; this llama.cpp release keeps no
 * snapshots at earlier positions (`n_rs_seq` is a rollback window of a few tokens of the last micro-batch,
 * for speculative decoding). So an entry there is a whole state at one exact position, and a prompt reuses
 * it only when the entry's tokens are all a prefix of the prompt. Entries are taken where a following
 * prompt is likely to continue: when a request ends, and at the checkpoint a prompt names (its chat
 * history before the generation prompt).
 */
import type { LlamaContext } from "../llama/index.js";
import type { SequenceSlot } from "./sequence.js";

/** Limits of the prefix cache. */
export interface PrefixCacheOptions {
  /** Spare sequence ids holding cached prefixes (default 4); each is one more recurrent state on hybrids. */
  slots?: number;
  /**
   * Most cells the cached prefixes may hold (default: half the context). Live sequences evict them anyway,
   * but cached cells widen every step's attention: llama.cpp attends (masked) over all cells up to the
   * highest one in use, so a full cache slows decoding of long-context models.
   */
  cells?: number;
}

/** Counters of the prefix cache. */
export interface PrefixCacheStats {
  /** Prompts that resumed from a cached prefix. */
  hits: number;
  /** Prompt tokens those hits did not prefill. */
  tokensReused: number;
  /** Cached prefixes held now, and the cells they hold (cells several entries share counted once). */
  entries: number;
  cells: number;
}

interface Entry {
  id: number;
  tokens: number[];
  lastUse: number;
  /**
   * The entry whose cells this one's first `shared` cells are (it was kept from a sequence that resumed
   * from that entry, or was checkpointed into it): they are counted once, on the parent's side.
   */
  parent?: Entry;
  shared: number;
}

/** Cached prefixes over spare sequence ids of one context; the engine calls it between steps only. */
export class PrefixCache {
  private readonly entries: Entry[] = [];
  private readonly freeIds: number[];
  /** Live slots sharing an entry's cells, and how many (counted once for the budget). */
  private readonly sharers = new Map<SequenceSlot, Entry>();
  private clock = 0;
  private hits = 0;
  private tokensReused = 0;

  constructor(
    private readonly context: LlamaContext,
    ids: number[],
    /** True for recurrent models: only a whole entry is a valid prefix. */
    private readonly wholeOnly: boolean,
    private readonly maxCells: number,
  ) {
    this.freeIds = [...ids].reverse();
  }

  get stats(): PrefixCacheStats {
    return {
      hits: this.hits,
      tokensReused: this.tokensReused,
      entries: this.entries.length,
      cells: this.cells,
    };
  }

  /**
   * Cells the entries hold, each shared cell once (an upper bound only where a parent with several
   * children was evicted: the children are then chained, sharing what they shared through it).
   */
  get cells(): number {
    return this.entries.reduce((n, e) => n + e.tokens.length - e.shared, 0);
  }

  /**
   * Starts the empty `slot` from the longest cached prefix of `tokens`, of at most `limit` tokens; returns
   * the tokens reused (0 on a miss). The slot's length, position and history then cover them.
   */
  reuse(slot: SequenceSlot, tokens: ArrayLike<number>, limit: number): number {
    let best: Entry | undefined;
    let length = 0;
    for (const entry of this.entries) {
      const common = commonPrefix(entry.tokens, tokens, limit);
      const usable = this.wholeOnly ? (common === entry.tokens.length ? common : 0) : common;
      if (usable > length) [best, length] = [entry, usable];
    }
    if (!best) return 0;
    if (this.wholeOnly) this.context.seqCopy(best.id, slot.id);
    else this.context.seqCopy(best.id, slot.id, 0, length);
    Object.assign(slot, {
      length,
      position: length,
      history: best.tokens.slice(0, length),
      sharedCells: length,
    });
    this.sharers.set(slot, best);
    best.lastUse = ++this.clock;
    this.hits++;
    this.tokensReused += length;
    return length;
  }

  /**
   * Keeps the state of `slot` as a cached prefix keyed by its history (the token ids fed so far, up to the
   * first input that was not a token). A recurrent model keeps it only when the history covers every cell.
   */
  keep(slot: SequenceSlot): void {
    const key = slot.history;
    const n = key.length;
    if (n === 0 || n > this.maxCells || (this.wholeOnly && n !== slot.length)) return;
    for (const entry of this.entries) {
      const common = commonPrefix(entry.tokens, key, n);
      // the same state, or (attention) one that a longer entry already holds
      if (common === n && (entry.tokens.length === n || !this.wholeOnly)) {
        entry.lastUse = ++this.clock;
        return;
      }
    }
    if (!this.wholeOnly)
      for (const entry of [...this.entries])
        if (commonPrefix(entry.tokens, key, n) === entry.tokens.length) this.evict(entry);
    // cells the slot shares with an entry are held already: only the rest is added (a chat's request-end
    // state shares its history with the checkpoint kept at the history's end)
    const added = () => n - (this.sharers.has(slot) ? slot.sharedCells : 0);
    while (this.entries.length > 0 && (this.freeIds.length === 0 || this.cells + added() > this.maxCells))
      this.evict(this.leastRecent());
    const id = this.freeIds.pop() as number;
    if (this.wholeOnly) this.context.seqCopy(slot.id, id);
    else this.context.seqCopy(slot.id, id, 0, n);
    const parent = this.sharers.get(slot);
    const entry: Entry = {
      id,
      tokens: key.slice(),
      lastUse: ++this.clock,
      parent,
      shared: parent ? Math.min(slot.sharedCells, n) : 0,
    };
    this.entries.push(entry);
    this.forget(slot);
    this.sharers.set(slot, entry);
    slot.sharedCells = n;
  }

  /** Forgets that `slot` shares an entry's cells (it is released or emptied). */
  forget(slot: SequenceSlot): void {
    this.sharers.delete(slot);
    slot.sharedCells = 0;
  }

  /**
   * Evicts least recently used entries until `needed` more cells fit in `capacity` next to the live
   * sequences' cells (`liveCells`, counting cells they share with entries once, on the entries' side).
   */
  makeRoom(needed: number, liveCells: number, capacity: number): void {
    while (this.entries.length > 0 && liveCells + this.cells + needed > capacity) {
      const entry = this.leastRecent();
      for (const [slot, shared] of this.sharers)
        if (shared === entry) {
          liveCells += slot.sharedCells;
          this.forget(slot);
        }
      this.evict(entry);
    }
  }

  private leastRecent(): Entry {
    return this.entries.reduce((a, b) => (b.lastUse < a.lastUse ? b : a));
  }

  private evict(entry: Entry): void {
    for (const [slot, shared] of this.sharers) if (shared === entry) this.forget(slot);
    // the children still hold the cells they shared with it: the first child takes its place, the others
    // now share (at most what they shared through it) with the first
    const [heir, ...others] = this.entries.filter((e) => e.parent === entry);
    if (heir) {
      for (const child of others) {
        child.shared = Math.min(child.shared, heir.shared);
        child.parent = heir;
      }
      heir.shared = entry.parent ? Math.min(heir.shared, entry.shared) : 0;
      heir.parent = entry.parent;
    }
    this.context.seqRemove(entry.id, -1, -1);
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.freeIds.push(entry.id);
  }
}

/** Length of the common prefix of `a` and `b`, at most `limit`. */
function commonPrefix(a: ArrayLike<number>, b: ArrayLike<number>, limit: number): number {
  const n = Math.min(a.length, b.length, limit);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
