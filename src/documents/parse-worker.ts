/**
 * @module The worker thread that parses PDF (pdf-parse, i.e. pdf.js), DOCX (mammoth) and HTML (turndown),
 * so that a large or hostile file costs a thread, not the server's event loop. One file per worker: it
 * gets `ParseJob` as workerData and posts one `ParseReply`.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { DocumentErrorCode } from "./errors.js";

/** What the worker is asked to read. */
export interface ParseJob {
  kind: "pdf" | "docx" | "html";
  bytes: Uint8Array;
  /** Most pages a PDF may have. */
  maxPages: number;
  /** The file's name in errors. */
  label: string;
}

/** The text of each page (one page for DOCX and HTML), or why there is none. */
export type ParseReply =
  | { pages: { number: number; text: string }[] }
  | { error: { code: DocumentErrorCode; message: string } };

class Refusal extends Error {
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

async function parsePdf(job: ParseJob) {
  const { PDFParse } = await import("pdf-parse");
  const parser = new PDFParse({ data: new Uint8Array(job.bytes), verbosity: 0 });
  try {
    const info = await parser.getInfo();
    if (info.total > job.maxPages)
      throw new Refusal(
        "too-many-pages",
        `${job.label} has ${info.total} pages; at most ${job.maxPages} are read`,
      );
    const result = await parser.getText({ pageJoiner: "" });
    return result.pages.map((page) => ({ number: page.num, text: page.text.trim() }));
  } catch (error) {
    if (error instanceof Refusal) throw error;
    const name = (error as Error)?.name;
    if (name === "PasswordException")
      throw new Refusal("encrypted", `${job.label} is password-protected; send it without a password`);
    throw new Refusal("corrupt", `${job.label} is not a readable PDF: ${(error as Error)?.message ?? error}`);
  } finally {
    await parser.destroy().catch(() => {});
  }
}

async function parseDocx(job: ParseJob) {
  const mammoth = (await import("mammoth")).default;
  try {
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(job.bytes) });
    return [{ number: 1, text: value.replace(/\n{3,}/g, "\n\n").trim() }];
  } catch (error) {
    throw new Refusal(
      "corrupt",
      `${job.label} is not a readable DOCX: ${(error as Error)?.message ?? error}`,
    );
  }
}

async function parseHtml(job: ParseJob) {
  const TurndownService = (await import("turndown")).default;
  const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced" });
  turndown.remove(["script", "style", "noscript", "template"]);
  const html = new TextDecoder().decode(job.bytes);
  return [{ number: 1, text: turndown.turndown(html).trim() }];
}

const PARSERS = { pdf: parsePdf, docx: parseDocx, html: parseHtml };

async function main(job: ParseJob): Promise<ParseReply> {
  try {
    return { pages: await PARSERS[job.kind](job) };
  } catch (error) {
    if (error instanceof Refusal) return { error: { code: error.code, message: error.message } };
    return { error: { code: "corrupt", message: `${job.label}: ${(error as Error)?.message ?? error}` } };
  }
}

if (parentPort) parentPort.postMessage(await main(workerData as ParseJob));
