/**
 * @module Errors raised by the llama.cpp binding. Every failure names what was asked for, so a caller
 * can tell a bad file from a full context from a library mismatch.
 */

/** What went wrong, machine-readable. */
export type LlamaErrorCode =
  | "library-not-found"
  | "cpu-variant-unsupported"
  | "layout-mismatch"
  | "bad-model-file"
  | "unsupported-architecture"
  | "model-load-failed"
  | "context-create-failed"
  | "invalid-argument"
  | "context-full"
  | "decode-aborted"
  | "invalid-batch"
  | "decode-failed"
  | "freed";

/** An error from the llama.cpp binding; `file` is set when a model file is involved. */
export class LlamaError extends Error {
  constructor(
    message: string,
    readonly code: LlamaErrorCode,
    readonly file?: string,
  ) {
    super(message);
    this.name = "LlamaError";
  }
}

/** Maps a non-zero `llama_decode` return value (llama.h) to a specific error. */
export function decodeError(rc: number, nTokens: number): LlamaError {
  if (rc === 1)
    return new LlamaError(
      `llama_decode: context full (no KV slot for a batch of ${nTokens} tokens); remove sequences or create a larger context`,
      "context-full",
    );
  if (rc === 2) return new LlamaError("llama_decode: aborted", "decode-aborted");
  if (rc === -1)
    return new LlamaError(
      `llama_decode: invalid batch of ${nTokens} tokens (positions must continue each sequence, sequence ids must be < nSeqMax)`,
      "invalid-batch",
    );
  return new LlamaError(`llama_decode failed with code ${rc} (batch of ${nTokens} tokens)`, "decode-failed");
}
