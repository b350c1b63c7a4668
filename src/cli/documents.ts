/**
 * @module Files the CLI puts into a message (`rio run --file`, `/file` in `rio chat`): read, turned into
 * text with page markers (OCR for images and scanned PDF pages), refused with a message naming the file.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { DocumentError, documentPromptText, extractDocument, OcrEngine } from "../documents/index.js";

/** Reads files as prompt text; the OCR engine starts at the first image or scan. `close()` when done. */
export class DocumentReader {
  private ocr?: OcrEngine;

  constructor(private readonly languages: string[] = ["eng"]) {}

  /**
   * The file's prompt text.
   * @throws Error naming the file: unreadable, unsupported, corrupt, password-protected, too large
   * @example
   * await reader.read("report.pdf"); // "[document report.pdf, page 1]\n...\n[end of document report.pdf]"
   */
  async read(path: string): Promise<string> {
    const name = basename(path);
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`${path}: ${error.code === "ENOENT" ? "no such file" : error.message}`);
    });
    try {
      this.ocr ??= new OcrEngine(this.languages);
    } catch {
      // without traineddata, documents with a text layer still read
    }
    try {
      return documentPromptText(await extractDocument(bytes, { name, ocr: this.ocr }), name);
    } catch (error) {
      if (error instanceof DocumentError) throw new Error(`${path}: ${error.message}`);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.ocr?.close();
  }
}
