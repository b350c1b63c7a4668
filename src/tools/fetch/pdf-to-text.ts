/**
 * @module The text of a PDF, page by page, through pdf-parse (pdf.js). pdf.js is loaded at the first PDF,
 * not with the tool.
 */

/**
 * The PDF's text; pages are separated by pdf-parse's "-- n of m --" lines.
 * @example
 * await pdfToText(readFileSync("paper.pdf")); // "Title\nAbstract ...\n\n-- 1 of 12 --\n..."
 */
export async function pdfToText(bytes: Uint8Array): Promise<string> {
  const { PDFParse } = await import("pdf-parse");
  // pdf.js refuses Buffers (which may be views into Node's shared pool); a plain copy
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    return (await parser.getText()).text.trim();
  } finally {
    await parser.destroy();
  }
}
