/**
 * @module Errors raised by the vision layer. Each says what was expected and, for build failures, what
 * to install or which file failed, so a user can act on it without reading Rio's source (compiler and
 * build failures are NativeBuildErrors from the native layer).
 */

/** What went wrong, machine-readable. */
export type VisionErrorCode =
  | "unsupported-platform"
  | "source-not-found"
  | "library-load-failed"
  | "layout-mismatch"
  | "mmproj-load-failed"
  | "no-vision"
  | "invalid-argument"
  | "encode-failed"
  | "closed";

/** An error from the vision layer; `file` is set when a file (source, mmproj) is involved. */
export class VisionError extends Error {
  constructor(
    message: string,
    readonly code: VisionErrorCode,
    readonly file?: string,
  ) {
    super(message);
    this.name = "VisionError";
  }
}
