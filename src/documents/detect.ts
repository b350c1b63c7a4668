/**
 * @module What kind of file some bytes are: the bytes' own signature first (a PDF, a ZIP, an image), then
 * the MIME type and file name a client gave, for the text formats that have no signature.
 */
import { DocumentError } from "./errors.js";

/** The kinds Rio reads. */
export type DocumentKind = "pdf" | "docx" | "html" | "markdown" | "text" | "image";

const IMAGE_SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "PNG"],
  [[0xff, 0xd8, 0xff], "JPEG"],
  [[0x47, 0x49, 0x46, 0x38], "GIF"],
  [[0x42, 0x4d], "BMP"],
];
const OTHER_BINARY: [number[], string][] = [
  [[0xd0, 0xcf, 0x11, 0xe0], "a legacy Office (OLE) file such as .doc or .xls"],
  [[0x1f, 0x8b], "a gzip archive"],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], "an RTF file"],
];
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const startsWith = (bytes: Uint8Array, sig: number[]) => sig.every((b, i) => bytes[i] === b);
const extension = (name?: string) => /\.([a-z0-9]+)$/i.exec(name ?? "")?.[1].toLowerCase() ?? "";

/**
 * The file's kind.
 * @throws DocumentError "unsupported" for formats Rio does not read, "corrupt" when the name or MIME type
 *   promises a PDF or DOCX that the bytes are not
 * @example
 * detectKind(new TextEncoder().encode("%PDF-1.7 ..."), {}); // "pdf"
 * detectKind(new TextEncoder().encode("# Title"), { name: "notes.md" }); // "markdown"
 */
export function detectKind(bytes: Uint8Array, hint: { mime?: string; name?: string }): DocumentKind {
  const mime = (hint.mime ?? "").toLowerCase().split(";")[0].trim();
  const ext = extension(hint.name);
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  if (head.includes("%PDF-")) return "pdf";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    if (ext && ext !== "docx") throw unsupported(hint, `a ZIP-based .${ext} file`);
    return "docx";
  }
  for (const [sig] of IMAGE_SIGNATURES) if (startsWith(bytes, sig)) return "image";
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return "image";
  for (const [sig, what] of OTHER_BINARY) if (startsWith(bytes, sig)) throw unsupported(hint, what);
  if (mime === "application/pdf" || ext === "pdf")
    throw new DocumentError("corrupt", `${label(hint)}: not a valid PDF (no %PDF- header)`);
  if (mime === DOCX_MIME || ext === "docx")
    throw new DocumentError("corrupt", `${label(hint)}: not a valid DOCX (not a ZIP archive)`);
  if (mime.startsWith("image/"))
    throw new DocumentError("corrupt", `${label(hint)}: not a PNG, JPEG, GIF, BMP or WebP image`);
  if (!isText(bytes)) throw unsupported(hint, mime ? `${mime} data` : "binary data");
  if (mime === "text/html" || mime === "application/xhtml+xml" || ext === "html" || ext === "htm")
    return "html";
  if (/^\s*(<!doctype html|<html[\s>])/i.test(head)) return "html";
  if (mime === "text/markdown" || ext === "md" || ext === "markdown") return "markdown";
  return "text";
}

/** How errors name the file: its name, or "the file". */
export const label = (hint: { name?: string }) => (hint.name ? JSON.stringify(hint.name) : "the file");

function unsupported(hint: { name?: string }, what: string): DocumentError {
  return new DocumentError(
    "unsupported",
    `${label(hint)} is ${what}; Rio reads PDF, DOCX, HTML, Markdown, plain text and images (PNG, JPEG, GIF, BMP, WebP)`,
  );
}

// UTF-8 without NUL bytes (binary files nearly always hold some in their first kilobytes)
function isText(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
