/** @module Errors of native builds: each says what to install or which file failed. */

/** What went wrong, machine-readable. */
export type NativeBuildErrorCode =
  | "unsupported-platform"
  | "source-not-found"
  | "tool-not-found"
  | "compiler-not-found"
  | "compile-failed"
  | "link-failed"
  | "layout-mismatch";

/** A failed build of a llama.cpp library from the pinned source; `file` is the source file involved. */
export class NativeBuildError extends Error {
  constructor(
    message: string,
    readonly code: NativeBuildErrorCode,
    readonly file?: string,
  ) {
    super(message);
    this.name = "NativeBuildError";
  }
}
