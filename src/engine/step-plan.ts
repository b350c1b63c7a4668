/** @module The plan of one batched step: what each sequence feeds this step. No FFI types here. */
import type { Sequence } from "./sequence.js";

/** A prompt chunk: token ids appended to the sequence; logits of its last position, all, or none. */
export interface TokenInput {
  seq: Sequence;
  tokens: ArrayLike<number>;
  logits?: "last" | "all" | "none";
}

/** One decoding input given as a vector of hiddenSize floats (a token's row, or a soft mixture). */
export interface EmbeddingInput {
  seq: Sequence;
  embedding: Float32Array;
  /**
   * The token id when `embedding` is exactly that token's row: the prefix cache then keys the position by
   * it. Leave it out for a mixture (the sequence's state past it is then never reused).
   */
  token?: number;
}

/**
 * An image (or a video's frame group) as a vision encoder gives it: a block of embedding rows placed at
 * the sequence's next position with M-RoPE positions of their own (see llama.cpp's mtmd decoder positions).
 */
export interface MediaEmbeddings {
  /** Rows in the block (the image's placeholder tokens). */
  nTokens: number;
  /** nTokens rows of the engine's input width. */
  embeddings: Float32Array;
  /** 3 * nTokens offsets from the block's first position: the temporal, height and width rows. */
  positions: Int32Array;
  /** Positions the block advances the sequence (for Qwen3.5: max(grid height, grid width)). */
  nPos: number;
}

/** An image block fed into a sequence; logits of its last row on request (default none). */
export interface MediaInput {
  seq: Sequence;
  media: MediaEmbeddings;
  logits?: "last" | "none";
}

export type StepInput = TokenInput | EmbeddingInput | MediaInput;

/**
 * Logits rows for one StepInput, in input order: one row for an embedding input or a "last" chunk, one
 * per token for "all", none for "none". Rows are views into llama.cpp's buffers or engine scratch:
 * valid until the next step (copy them to keep them).
 */
export type StepOutput = Float32Array[];

export const isTokenInput = (input: StepInput): input is TokenInput => "tokens" in input;
export const isMediaInput = (input: StepInput): input is MediaInput => "media" in input;

/** Rows an input occupies in the cache (cells): its tokens, its image rows, or one. */
export const inputRows = (input: StepInput): number =>
  isTokenInput(input) ? input.tokens.length : isMediaInput(input) ? input.media.nTokens : 1;

/** Positions an input advances its sequence: as many as its rows, except for an image (its nPos). */
export const inputSpan = (input: StepInput): number =>
  isMediaInput(input) ? input.media.nPos : inputRows(input);
