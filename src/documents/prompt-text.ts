/**
 * @module A document as the text a model reads: a marker line before each page naming the file, the page
 * and whether OCR read it, and a closing note listing the OCR'd pages (OCR text may hold misreadings).
 */
import type { ExtractedDocument } from "./extract.js";

/**
 * The prompt text of a document.
 * @example
 * documentPromptText(doc, "report.pdf");
 * // "[document report.pdf, page 1]\nIntro ...\n\n[document report.pdf, page 2 (OCR)]\n...\n[end of document report.pdf; page 2 read by OCR]"
 */
export function documentPromptText(doc: ExtractedDocument, name = "file"): string {
  const paged = doc.kind === "pdf";
  const body = doc.pages
    .map((page) => {
      const where = paged ? `, page ${page.number}` : "";
      return `[document ${name}${where}${page.ocr ? " (OCR)" : ""}]\n${page.text}`;
    })
    .join("\n\n");
  const ocr = doc.pages.filter((page) => page.ocr).map((page) => page.number);
  const note =
    ocr.length === 0
      ? ""
      : paged
        ? `; ${ocr.length === 1 ? "page" : "pages"} ${ocr.join(", ")} read by OCR`
        : "; read by OCR";
  return `${body}\n[end of document ${name}${note}]`;
}
