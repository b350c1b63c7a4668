/** @module One sequence's slot in the shared llama.cpp context. */

/**
 * A sequence: a slot id in the llama.cpp context (its KV cells, or its convolution and recurrent state
 * for hybrid models) and the next position to fill. Obtained from Engine.openSequence and given back
 * with Engine.release.
 */
export interface Sequence {
  /** llama.cpp sequence id (0..maxSequences-1). */
  readonly id: number;
  /**
   * Number of cache cells the sequence holds. A failed step restores it, except for hybrid models, whose
   * recurrent state cannot be cut back: there it drops to 0.
   */
  readonly length: number;
  /**
   * The position of the next input. Equal to `length` for text; an image block takes nTokens cells but
   * advances the position by its own span (M-RoPE models), so the two part once images are fed.
   */
  readonly position: number;
  /** False once released. */
  readonly open: boolean;
}

/** The engine's mutable view of a Sequence. */
export class SequenceSlot implements Sequence {
  length = 0;
  position = 0;
  open = true;
  /**
   * Token ids fed so far, up to the first input that was not a token (an image, a soft mixture): the key
   * of the sequence's state for the prefix cache. Covers every cell while `history.length === length`.
   */
  history: number[] = [];
  /** Cells of this sequence shared with a cached prefix (counted on the cache's side). */
  sharedCells = 0;
  constructor(readonly id: number) {}
}
