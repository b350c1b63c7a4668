/**
 * @module The `ocr` tool: the text of an image (PNG, JPEG, GIF, BMP, WebP) or a document (a PDF's scanned
 * pages are OCR'd) with, for an image, each line's box and confidence. The image comes as a data URL, an
 * http(s) URL (under the fetch tool's address policy) or a path inside a folder the operator allows.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, sep } from "node:path";
import { z } from "zod";
import {
  checkImageSize,
  DEFAULT_DOCUMENT_LIMITS,
  DocumentError,
  detectKind,
  documentPromptText,
  extractDocument,
  OcrEngine,
  type OcrLine,
} from "../../documents/index.js";
import type { AddressPolicy } from "../fetch/address-policy.js";
import { fetchBytes } from "../fetch/fetch-bytes.js";
import { FetchRefused } from "../fetch/resolve-target.js";
import { limitText } from "../text-limit.js";
import { type BuiltinTool, defineTool, errorResult, type ToolLimits } from "../tool.js";

/** How the operator set the tool up. */
export interface OcrToolOptions extends AddressPolicy {
  /** The OCR engine (its owner closes it); without one, the tool makes an English one and closes it. */
  engine?: OcrEngine;
  /** Languages of the engine the tool makes when given none (default ["eng"]). */
  languages?: string[];
  /** Folders whose files the model may name by absolute path; none by default. */
  roots?: string[];
}

/** The structured side of an OCR result. */
export interface OcrData {
  source: string;
  kind: string;
  /** Mean confidence (0-100), for an image. */
  confidence?: number;
  /** Each line with its box and confidence, for an image. */
  lines?: OcrLine[];
}

/** 30 s (OCR is a few seconds a page), 32 MiB of input, 32 KiB of text. */
export const OCR_LIMITS: Readonly<ToolLimits> = {
  timeMs: 30_000,
  memoryBytes: 32 * 2 ** 20,
  outputBytes: 32 * 1024,
};

const args = z
  .object({
    source: z
      .string()
      .min(1)
      .describe("The image or document: a data URL, an http(s) URL, or an absolute path the server allows"),
  })
  .strict();

/**
 * The tool.
 * @example
 * const tool = ocrTool({ roots: ["/srv/scans"] });
 * await tool.run({ source: "/srv/scans/receipt.png" }, ctx); // { text: "ACME STORE\nTotal 12.40 ...", isError: false, data: { lines: [...] } }
 */
export function ocrTool(options: OcrToolOptions = {}): BuiltinTool<OcrData> {
  let own: OcrEngine | undefined;
  const engine = () => {
    if (options.engine) return options.engine;
    own ??= new OcrEngine(options.languages ?? ["eng"]);
    return own;
  };
  return defineTool({
    name: "ocr",
    description:
      "Reads the text in an image (PNG, JPEG, GIF, BMP, WebP) or a document (PDF, DOCX, HTML, text; scanned PDF pages are OCR'd). Returns the text; for an image also each line's box and confidence.",
    args,
    defaultLimits: OCR_LIMITS,
    async run({ source }, ctx) {
      const bytes = await sourceBytes(source, options, ctx.limits, ctx.signal);
      if (typeof bytes === "string") return errorResult(bytes);
      const hint = {
        name: source.startsWith("data:") ? undefined : source.split(/[/\\]/).pop(),
        mime: /^data:([^,;]*)/.exec(source)?.[1],
      };
      const limits = {
        ...DEFAULT_DOCUMENT_LIMITS,
        maxBytes: ctx.limits.memoryBytes,
        timeMs: ctx.limits.timeMs,
      };
      try {
        const ocr = engine();
        if (detectKind(bytes, hint) !== "image") {
          const doc = await extractDocument(bytes, { ...hint, ocr, limits, signal: ctx.signal });
          const { text } = limitText(documentPromptText(doc, "source"), ctx.limits.outputBytes);
          return { text, isError: false, data: { source: shortSource(source), kind: doc.kind } };
        }
        checkImageSize(bytes, "the image", limits.maxImagePixels);
        const result = await ocr.recognize(bytes);
        const { text } = limitText(
          `${result.text}\n[${result.lines.length} lines, mean confidence ${result.confidence}]`,
          ctx.limits.outputBytes,
        );
        return {
          text,
          isError: false,
          data: {
            source: shortSource(source),
            kind: "image",
            confidence: result.confidence,
            lines: result.lines,
          },
        };
      } catch (error) {
        if (error instanceof DocumentError) return errorResult(`ocr: ${error.message}`);
        throw error;
      }
    },
    close: async () => own?.close(),
  });
}

const shortSource = (source: string) => (source.startsWith("data:") ? `${source.slice(0, 40)}…` : source);

// the bytes, or the reason there are none
async function sourceBytes(
  source: string,
  options: OcrToolOptions,
  limits: ToolLimits,
  signal: AbortSignal,
): Promise<Uint8Array | string> {
  const data = /^data:[^,]*;base64,/i.exec(source);
  if (data) {
    const payload = source.slice(data[0].length);
    if ((payload.length * 3) / 4 > limits.memoryBytes + 3)
      return `ocr: the data is larger than ${limits.memoryBytes} bytes`;
    return Buffer.from(payload, "base64");
  }
  if (/^https?:\/\//i.test(source)) {
    try {
      return (
        await fetchBytes(source, { ...options, maxBytes: limits.memoryBytes, timeMs: limits.timeMs, signal })
      ).body;
    } catch (error) {
      if (error instanceof FetchRefused) return `ocr: ${error.message}`;
      throw error;
    }
  }
  const roots = options.roots ?? [];
  if (roots.length === 0 || !isAbsolute(source))
    return `ocr: expected a base64 data URL or an http(s) URL${roots.length > 0 ? ", or an absolute path" : ""}`;
  const real = await realpath(source).catch(() => undefined);
  const allowed = await Promise.all(roots.map((root) => realpath(root).catch(() => root)));
  if (!real || !allowed.some((root) => real.startsWith(root.endsWith(sep) ? root : root + sep)))
    return `ocr: no such file under the folders this tool may read (${roots.join(", ")})`;
  const info = await stat(real);
  if (!info.isFile()) return `ocr: ${source} is not a file`;
  if (info.size > limits.memoryBytes)
    return `ocr: ${source} is ${info.size} bytes; at most ${limits.memoryBytes} are read`;
  return readFile(real);
}
