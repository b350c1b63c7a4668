/** @module Errors for bad tokenizer files, naming the file and field at fault. */

/** A tokenizer file is missing, unreadable or lacks a field Rio needs. */
export class TokenizerError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly field?: string,
  ) {
    super(`${file}${field ? ` (${field})` : ""}: ${message}`);
    this.name = "TokenizerError";
  }
}
