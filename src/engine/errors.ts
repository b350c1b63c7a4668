/** @module Errors of the engine layer. */

/** What went wrong, for the caller to act on: a server maps these to HTTP statuses. */
export type EngineErrorCode =
  | "invalid"
  | "context-full"
  | "no-free-sequence"
  | "queue-full"
  | "out-of-memory"
  | "closed";

/** A specific, user-facing engine error. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly code: EngineErrorCode = "invalid",
  ) {
    super(message);
    this.name = "EngineError";
  }
}
