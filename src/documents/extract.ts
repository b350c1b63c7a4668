/**
 * @module A document's text, page by page: PDF text layers through pdf.js, pages without one drawn by
 * poppler and read by OCR; DOCX through mammoth; HTML as markdown; Markdown and text as they are; an
 * image through OCR. Parsing runs in a worker thread, drawing in a child process and OCR in Tesseract's
 * worker, so the caller's event loop stays free. Every refusal is a DocumentError.
 */
import { type DocumentKind, detectKind, label } from "./detect.js";
import { DocumentError } from "./errors.js";
import type { OcrEngine } from "./ocr.js";
import { parseOffThread } from "./parse-off-thread.js";
import { rasterisePages } from "./rasterise.js";

/** How much one document may cost. */
export interface DocumentLimits {
  /** Most bytes of one file (default 32 MiB). */
  maxBytes: number;
  /** Most pages of one PDF (default 500). */
  maxPages: number;
  /** Most pages of one document read by OCR (default 20). */
  maxOcrPages: number;
  /** Most pixels of one image given to OCR (default 40 megapixels). */
  maxImagePixels: number;
  /** Milliseconds for parsing, and again for each drawn page (default 60 s). */
  timeMs: number;
}

/** Limits for a caller with no opinion. */
export const DEFAULT_DOCUMENT_LIMITS: Readonly<DocumentLimits> = {
  maxBytes: 32 * 2 ** 20,
  maxPages: 500,
  maxOcrPages: 20,
  maxImagePixels: 40_000_000,
  timeMs: 60_000,
};

/** One page of text; `ocr` when it was read from the page's image. */
export interface DocumentPage {
  number: number;
  text: string;
  ocr: boolean;
}

/** A document as text. */
export interface ExtractedDocument {
  kind: DocumentKind;
  /** The pages' text joined by blank lines. */
  text: string;
  pages: DocumentPage[];
}

/** What extractDocument needs besides the bytes. */
export interface ExtractOptions {
  /** The MIME type the client gave. */
  mime?: string;
  /** The file name the client gave, for the format and errors. */
  name?: string;
  /** The OCR engine for images and scanned pages; without one they are refused. */
  ocr?: OcrEngine;
  limits?: Partial<DocumentLimits>;
  signal?: AbortSignal;
}

// a page with less text than this is taken for a scan
const MIN_TEXT_LAYER = 3;

/**
 * The document's text.
 * @throws DocumentError: unsupported format, corrupt file, password-protected PDF, over a size, page or
 *   pixel limit, OCR needed but not available, too slow
 * @example
 * const doc = await extractDocument(readFileSync("report.pdf"), { name: "report.pdf", ocr });
 * doc.pages; // [{ number: 1, text: "Quarterly report ...", ocr: false }, { number: 2, text: "...", ocr: true }]
 */
export async function extractDocument(
  bytes: Uint8Array,
  options: ExtractOptions = {},
): Promise<ExtractedDocument> {
  const limits = { ...DEFAULT_DOCUMENT_LIMITS, ...options.limits };
  const name = label(options);
  if (bytes.length > limits.maxBytes)
    throw new DocumentError(
      "too-large",
      `${name} is ${bytes.length} bytes; at most ${limits.maxBytes} are read`,
    );
  if (bytes.length === 0) throw new DocumentError("corrupt", `${name} is empty`);
  const kind = detectKind(bytes, options);
  const pages = await readPages(kind, bytes, name, limits, options);
  return { kind, text: pages.map((page) => page.text).join("\n\n"), pages };
}

async function readPages(
  kind: DocumentKind,
  bytes: Uint8Array,
  name: string,
  limits: DocumentLimits,
  options: ExtractOptions,
): Promise<DocumentPage[]> {
  if (kind === "markdown" || kind === "text")
    return [
      {
        number: 1,
        text: new TextDecoder()
          .decode(bytes)
          .replace(/^\uFEFF/, "")
          .trim(),
        ocr: false,
      },
    ];
  if (kind === "image") {
    checkImageSize(bytes, name, limits.maxImagePixels);
    const { text } = await needOcr(options, name).recognize(bytes);
    return [{ number: 1, text, ocr: true }];
  }
  const parsed = await parseOffThread(
    { kind, bytes, maxPages: limits.maxPages, label: name },
    { timeMs: limits.timeMs, heapMb: 512 },
    options.signal,
  );
  const pages = parsed.map((page) => ({ ...page, ocr: false }));
  if (kind !== "pdf") return pages;
  const scanned = pages.filter((page) => page.text.replace(/\s/g, "").length < MIN_TEXT_LAYER);
  if (scanned.length === 0) return pages;
  if (scanned.length > limits.maxOcrPages)
    throw new DocumentError(
      "too-many-pages",
      `${name} has ${scanned.length} pages without a text layer; at most ${limits.maxOcrPages} are read by OCR`,
    );
  const ocr = needOcr(options, name);
  const images = await rasterisePages(
    bytes,
    scanned.map((page) => page.number),
    { timeMs: limits.timeMs, signal: options.signal },
  );
  for (const [i, page] of scanned.entries()) {
    page.text = (await ocr.recognize(images[i])).text;
    page.ocr = true;
  }
  return pages;
}

function needOcr(options: ExtractOptions, name: string): OcrEngine {
  if (!options.ocr)
    throw new DocumentError(
      "ocr-unavailable",
      `${name} needs OCR (an image or scanned pages), which this server does not run`,
    );
  return options.ocr;
}

/**
 * Refuses an image over `maxPixels`, from the size its header states (PNG, JPEG, GIF, BMP; WebP unchecked).
 * @throws DocumentError "too-large" or "corrupt" (a header too short to hold a size)
 */
export function checkImageSize(bytes: Uint8Array, name: string, maxPixels: number): void {
  const size = imageSize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (size === null)
    throw new DocumentError("corrupt", `${name} is not a readable image (its header is cut short)`);
  if (size && size.width * size.height > maxPixels)
    throw new DocumentError(
      "too-large",
      `${name} is ${size.width}x${size.height} pixels; at most ${maxPixels} pixels are read`,
    );
}

// undefined: a format whose size is not read here; null: a header too short
function imageSize(b: Buffer): { width: number; height: number } | null | undefined {
  if (b[0] === 0x89) return b.length < 24 ? null : { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b[0] === 0x47) return b.length < 10 ? null : { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b[0] === 0x42)
    return b.length < 26 ? null : { width: b.readInt32LE(18), height: Math.abs(b.readInt32LE(22)) };
  if (b[0] !== 0xff) return undefined;
  // JPEG: walk the segments to the first start-of-frame
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return null;
    const marker = b[at + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    at += 2 + b.readUInt16BE(at + 2);
  }
  return null;
}
