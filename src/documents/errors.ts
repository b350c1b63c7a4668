/**
 * @module Why a document or image could not be read: one error class with a code per cause, so a server
 * can answer each with its own 400 and a CLI with its own message.
 */

/** The causes a caller can tell apart. */
export type DocumentErrorCode =
  | "unsupported"
  | "corrupt"
  | "encrypted"
  | "too-large"
  | "too-many-pages"
  | "ocr-unavailable"
  | "timeout";

/** A document or image Rio will not read; `message` says why in words a client can act on. */
export class DocumentError extends Error {
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DocumentError";
  }
}
