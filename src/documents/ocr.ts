/**
 * @module Optical character recognition with tesseract.js (Tesseract compiled to WebAssembly, running in its
 * own worker thread). Languages are those whose traineddata ships as an npm package
 * (`@tesseract.js-data/<lang>`, 4.0.0_best_int): they are read from disk, never fetched, and nothing is
 * cached into the working folder. One Tesseract worker is made at the first image and reused; images are
 * recognised one at a time.
 */
import { readdirSync } from "node:fs";
import { mkdtemp, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DocumentError } from "./errors.js";

/** One line of recognised text: its box in pixels (x0, y0 top left; x1, y1 bottom right) and Tesseract's confidence, 0-100. */
export interface OcrLine {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

/** What OCR read from one image. */
export interface OcrResult {
  text: string;
  /** Mean confidence of the page, 0-100. */
  confidence: number;
  lines: OcrLine[];
}

const MODEL_FOLDER = "4.0.0_best_int";
const require = createRequire(import.meta.url);

function dataRoot(): string | undefined {
  try {
    return dirname(dirname(require.resolve("@tesseract.js-data/eng/package.json")));
  } catch {
    return undefined;
  }
}

/**
 * The languages whose traineddata is installed (`@tesseract.js-data/*` packages), e.g. ["eng"].
 * @example
 * shippedLanguages(); // ["eng"]
 */
export function shippedLanguages(): string[] {
  const root = dataRoot();
  if (!root) return [];
  return readdirSync(root)
    .filter((lang) => {
      try {
        return readdirSync(join(root, lang, MODEL_FOLDER)).includes(`${lang}.traineddata.gz`);
      } catch {
        return false;
      }
    })
    .sort();
}

// tesseract.js's worker surface that Rio uses
interface TesseractWorker {
  recognize(
    image: Buffer,
    options: object,
    output: object,
  ): Promise<{ data: { text: string; confidence: number; blocks: TesseractBlock[] | null } }>;
  terminate(): Promise<unknown>;
}
interface TesseractBlock {
  paragraphs: { lines: { text: string; confidence: number; bbox: OcrLine["bbox"] }[] }[];
}

/** A Tesseract worker for a set of languages, made when first needed. */
export class OcrEngine {
  readonly languages: string[];
  private worker?: Promise<TesseractWorker>;
  private queue: Promise<unknown> = Promise.resolve();
  private lastError?: string;

  /**
   * @throws DocumentError "ocr-unavailable" naming the shipped languages when one asked for is not installed
   * @example
   * const ocr = new OcrEngine(["eng"]);
   * const { text, lines } = await ocr.recognize(pngBytes);
   * await ocr.close();
   */
  constructor(languages: string[] = ["eng"]) {
    const shipped = shippedLanguages();
    const missing = languages.filter((lang) => !shipped.includes(lang));
    if (missing.length > 0 || languages.length === 0)
      throw new DocumentError(
        "ocr-unavailable",
        `no OCR traineddata for ${missing.join(", ") || "(no language)"} (installed: ${shipped.join(", ") || "none"}; add @tesseract.js-data/<lang> packages)`,
      );
    this.languages = [...languages];
  }

  /**
   * The text of a PNG, JPEG, GIF, BMP or WebP image, with line boxes and confidences.
   * @throws DocumentError "corrupt" when Tesseract cannot read the image
   */
  recognize(image: Uint8Array): Promise<OcrResult> {
    const job = this.queue.then(() => this.recognizeNow(image));
    this.queue = job.catch(() => {});
    return job;
  }

  private async recognizeNow(image: Uint8Array): Promise<OcrResult> {
    const worker = await this.start();
    try {
      const { data } = await worker.recognize(Buffer.from(image), {}, { text: true, blocks: true });
      const lines = (data.blocks ?? []).flatMap((block) =>
        block.paragraphs.flatMap((paragraph) =>
          paragraph.lines.map((line) => ({
            text: line.text.trim(),
            confidence: Math.round(line.confidence * 10) / 10,
            bbox: line.bbox,
          })),
        ),
      );
      return { text: data.text.trim(), confidence: Math.round(data.confidence * 10) / 10, lines };
    } catch (error) {
      throw new DocumentError("corrupt", `OCR could not read the image: ${this.lastError ?? String(error)}`);
    }
  }

  private start(): Promise<TesseractWorker> {
    this.worker ??= (async () => {
      const { createWorker } = (await import("tesseract.js")).default;
      const worker = await createWorker(this.languages.join("+"), 1, {
        langPath: await langFolder(this.languages),
        cacheMethod: "none",
        gzip: true,
        // without a handler, tesseract.js throws a failed job's error inside its message listener (a crash)
        errorHandler: (error: unknown) => {
          this.lastError = String(error);
        },
      });
      return worker as unknown as TesseractWorker;
    })();
    return this.worker;
  }

  /** Ends the Tesseract worker; a later recognize starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker.catch(() => undefined))?.terminate();
  }
}

// tesseract.js reads every language from one folder; languages from several packages are linked into one
async function langFolder(languages: string[]): Promise<string> {
  const root = dataRoot() as string;
  if (languages.length === 1) return join(root, languages[0], MODEL_FOLDER);
  const dir = await mkdtemp(join(tmpdir(), "rio-ocr-"));
  for (const lang of languages)
    await symlink(
      join(root, lang, MODEL_FOLDER, `${lang}.traineddata.gz`),
      join(dir, `${lang}.traineddata.gz`),
    );
  return dir;
}
