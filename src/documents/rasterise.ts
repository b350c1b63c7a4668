/**
 * @module PDF pages as PNG images, drawn by poppler's `pdftoppm` in a child process (Debian's poppler-utils;
 * the operator installs it). Used for pages without a text layer, before OCR.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocumentError } from "./errors.js";

/** Where pdftoppm is looked for unless `RIO_PDFTOPPM` names it. */
const PDFTOPPM = process.env.RIO_PDFTOPPM ?? "pdftoppm";

/**
 * One PNG per page number asked for, at `dpi` (300 by default, what Tesseract reads best).
 * @throws DocumentError "ocr-unavailable" when pdftoppm is missing, "corrupt" when it fails
 * @example
 * const [png] = await rasterisePages(pdfBytes, [2], { timeMs: 30_000 });
 */
export async function rasterisePages(
  pdf: Uint8Array,
  pages: number[],
  options: { dpi?: number; timeMs: number; signal?: AbortSignal },
): Promise<Buffer[]> {
  const dir = await mkdtemp(join(tmpdir(), "rio-pdf-"));
  try {
    const file = join(dir, "in.pdf");
    await writeFile(file, pdf);
    const images: Buffer[] = [];
    for (const page of pages) {
      const args = ["-png", "-r", String(options.dpi ?? 300), "-f", String(page), "-l", String(page)];
      images.push(await run([...args, "-singlefile", file], options));
    }
    return images;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(args: string[], options: { timeMs: number; signal?: AbortSignal }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      PDFTOPPM,
      args,
      { encoding: "buffer", maxBuffer: 256 * 2 ** 20, timeout: options.timeMs, signal: options.signal },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === "ENOENT")
          return reject(
            new DocumentError(
              "ocr-unavailable",
              "this server cannot OCR scanned PDF pages: poppler's pdftoppm is not installed (Debian: poppler-utils)",
            ),
          );
        if (error.killed)
          return reject(
            new DocumentError("timeout", `rasterising a PDF page took over ${options.timeMs} ms`),
          );
        reject(
          new DocumentError(
            "corrupt",
            `pdftoppm could not draw the page: ${stderr.toString().trim() || error.message}`,
          ),
        );
      },
    );
  });
}
