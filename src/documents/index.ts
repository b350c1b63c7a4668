/**
 * @module Documents and OCR: the text of PDF (text layers, and OCR for scanned pages), DOCX, HTML,
 * Markdown, plain text and images, page by page, for prompts and tools. CPU-heavy work runs off the
 * caller's event loop (a worker thread for parsing, poppler's pdftoppm as a child process, Tesseract in
 * its worker). Refusals are DocumentErrors with a code per cause.
 */
export { type DocumentKind, detectKind } from "./detect.js";
export { DocumentError, type DocumentErrorCode } from "./errors.js";
export {
  checkImageSize,
  DEFAULT_DOCUMENT_LIMITS,
  type DocumentLimits,
  type DocumentPage,
  type ExtractedDocument,
  type ExtractOptions,
  extractDocument,
} from "./extract.js";
export { OcrEngine, type OcrLine, type OcrResult, shippedLanguages } from "./ocr.js";
export { documentPromptText } from "./prompt-text.js";
