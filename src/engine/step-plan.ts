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
}

export type StepInput = TokenInput | EmbeddingInput;

/**
 * Logits rows for one StepInput, in input order: one row for an embedding input or a "last" chunk, one
 * per token for "all", none for "none". Rows are views into llama.cpp's buffers or engine scratch:
 * valid until the next step (copy them to keep them).
 */
export type StepOutput = Float32Array[];

export const isTokenInput = (input: StepInput): input is TokenInput => "tokens" in input;
