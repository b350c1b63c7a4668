/**
 * @module The files of a request as text: each chat `file` part (and Responses `input_file` part) is read
 * (a data URL or base64, an http(s) URL under the fetch policy, or a path under a folder the operator
 * allows), its text extracted (OCR for images and scanned pages) and put in the message as text with page
 * markers. For a model without a vision encoder, image parts are OCR'd the same way instead of refused.
 * Each document must fit the context on its own. Every refusal is a 400 naming the part.
 */
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, sep } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DocumentError,
  type DocumentErrorCode,
  type DocumentLimits,
  documentPromptText,
  extractDocument,
  type OcrEngine,
} from "../documents/index.js";
import type { AddressPolicy } from "../tools/index.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import { mediaBytes, urlOf } from "./media-input.js";
import type { InputItem } from "./responses/schema.js";
import type { ChatRequestMessage, ChatRequestPart } from "./schemas/chat.js";

/** How a server takes files. */
export interface DocumentInputOptions {
  /** OCR for images and scanned pages; without it they are refused. */
  ocr?: OcrEngine;
  limits?: Partial<DocumentLimits>;
  /** Folders whose files a request may name by path (`file_url: "/srv/docs/a.pdf"`); none by default. */
  roots?: string[];
  /** Most files (and OCR'd images) in one request (default 8). */
  maxFiles?: number;
  /** Which addresses file URLs may reach and how long a fetch may take. */
  fetch?: AddressPolicy & { timeMs?: number };
}

/** A file as a request gives it. */
export interface FileSource {
  file_data?: string;
  file_url?: string;
  file_id?: string;
  filename?: string;
}

const API_CODES: Record<DocumentErrorCode, string> = {
  unsupported: "unsupported_file",
  corrupt: "invalid_file",
  encrypted: "file_encrypted",
  "too-large": "file_too_large",
  "too-many-pages": "file_too_many_pages",
  "ocr-unavailable": "ocr_unavailable",
  timeout: "file_timeout",
};

/**
 * The chat messages with file parts (and, without a vision encoder, image parts) replaced by text parts.
 * @throws ApiError (400) naming the part
 */
export async function chatDocuments(
  server: ServerContext,
  messages: ChatRequestMessage[],
  field: string,
  signal?: AbortSignal,
): Promise<ChatRequestMessage[]> {
  const ocrImages = !server.vision && server.documents?.ocr !== undefined;
  const wanted = (part: ChatRequestPart) => part.type === "file" || (ocrImages && part.type === "image_url");
  const count = messages.reduce(
    (n, m) => n + (Array.isArray(m.content) ? m.content.filter(wanted).length : 0),
    0,
  );
  if (count === 0) return messages;
  const maxFiles = server.documents?.maxFiles ?? 8;
  if (count > maxFiles)
    throw invalid(`${field}: ${count} files in one request; at most ${maxFiles} are accepted`, field);
  let images = 0;
  const out: ChatRequestMessage[] = [];
  for (const [m, message] of messages.entries()) {
    if (!Array.isArray(message.content)) {
      out.push(message);
      continue;
    }
    const content: ChatRequestPart[] = [];
    for (const [p, part] of message.content.entries()) {
      const param = `${field}[${m}].content[${p}]`;
      if (part.type === "file")
        content.push({ type: "text", text: await fileText(server, part.file, param, signal) });
      else if (ocrImages && part.type === "image_url")
        content.push({
          type: "text",
          text: await imageText(server, urlOf(part.image_url), ++images, param, signal),
        });
      else content.push(part);
    }
    out.push({ ...message, content });
  }
  return out;
}

/**
 * The prompt text of one file: markers, pages, the OCR note; it must fit the context on its own.
 * @throws ApiError (400) naming `param`
 * @example
 * await fileText(server, { file_data: "data:application/pdf;base64,JVBERi0...", filename: "a.pdf" }, "input[0].content[1]");
 */
export async function fileText(
  server: ServerContext,
  file: FileSource,
  param: string,
  signal?: AbortSignal,
): Promise<string> {
  const options = documentOptions(server, param);
  const maxBytes = options.limits?.maxBytes ?? 32 * 2 ** 20;
  const { bytes, mime, field } = await fileBytes(options, file, param, maxBytes, signal);
  const name = file.filename ?? (file.file_url ? file.file_url.split(/[/\\]/).pop() : undefined) ?? "file";
  const doc = await extract(bytes, { mime, name: file.filename ?? name }, options, field, signal);
  const text = `\n${documentPromptText(doc, name)}\n`;
  checkFits(server, text, `document ${JSON.stringify(name)}`, param);
  return text;
}

async function imageText(
  server: ServerContext,
  url: string,
  n: number,
  param: string,
  signal?: AbortSignal,
  field = `${param}.image_url.url`,
) {
  const options = documentOptions(server, param);
  if (!options.ocr)
    throw invalid(
      `${param}: this model has no vision encoder, so it takes no images (serve a checkpoint with a vision tower, or enable OCR)`,
      param,
    );
  const maxBytes = options.limits?.maxBytes ?? 20 * 2 ** 20;
  const bytes = await mediaBytes(options.fetch, url, field, "image", maxBytes, signal);
  const doc = await extract(bytes, { name: `image ${n}` }, options, field, signal);
  if (doc.kind !== "image")
    throw invalid(`${field}: not a PNG, JPEG, GIF, BMP or WebP image`, field, "invalid_image");
  const text = `\n[image ${n}, read by OCR: this model has no vision encoder]\n${doc.text}\n[end of image ${n}]\n`;
  checkFits(server, text, `the text of image ${n}`, param);
  return text;
}

function documentOptions(server: ServerContext, param: string): DocumentInputOptions {
  if (!server.documents)
    throw invalid(`${param}: this server does not take files`, param, "unsupported_file");
  return server.documents;
}

async function extract(
  bytes: Uint8Array,
  hint: { mime?: string; name?: string },
  options: DocumentInputOptions,
  field: string,
  signal?: AbortSignal,
) {
  try {
    return await extractDocument(bytes, { ...hint, ocr: options.ocr, limits: options.limits, signal });
  } catch (error) {
    if (error instanceof DocumentError)
      throw invalid(`${field}: ${error.message}`, field, API_CODES[error.code]);
    throw error;
  }
}

async function fileBytes(
  options: DocumentInputOptions,
  file: FileSource,
  param: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; mime?: string; field: string }> {
  if (file.file_data !== undefined) {
    const field = `${param}.file_data`;
    const data = /^data:([^,;]*)[^,]*,/i.exec(file.file_data);
    if (data)
      return {
        bytes: await mediaBytes(undefined, file.file_data, field, "file", maxBytes, signal),
        mime: data[1],
        field,
      };
    if ((file.file_data.length * 3) / 4 > maxBytes + 3)
      throw invalid(`${field}: the file is larger than ${maxBytes} bytes`, field, "file_too_large");
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(file.file_data))
      throw invalid(`${field}: expected a data URL or base64`, field);
    return { bytes: Buffer.from(file.file_data, "base64"), field };
  }
  if (file.file_url !== undefined) {
    const field = `${param}.file_url`;
    if (/^https?:\/\//i.test(file.file_url))
      return {
        bytes: await mediaBytes(options.fetch, file.file_url, field, "file", maxBytes, signal),
        field,
      };
    return { bytes: await rootFile(options.roots ?? [], file.file_url, field, maxBytes), field };
  }
  const field = file.file_id !== undefined ? `${param}.file_id` : param;
  throw invalid(
    `${field}: ${file.file_id !== undefined ? "file ids are not supported (Rio has no files endpoint); " : ""}send file_data (a data URL or base64) or file_url`,
    field,
  );
}

// a path (or file:// URL) inside one of the operator's folders, after following links
async function rootFile(roots: string[], url: string, field: string, maxBytes: number): Promise<Uint8Array> {
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (roots.length === 0 || !isAbsolute(path))
    throw invalid(
      `${field}: expected an http(s) URL${roots.length > 0 ? " or an absolute path" : " (this server reads no local paths)"}`,
      field,
    );
  const real = await realpath(path).catch(() => undefined);
  const allowed = await Promise.all(roots.map((root) => realpath(root).catch(() => root)));
  if (
    !real ||
    !allowed.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep))
  )
    throw invalid(`${field}: no such file under the folders this server reads`, field, "file_not_found");
  const info = await stat(real);
  if (!info.isFile()) throw invalid(`${field}: not a file`, field, "file_not_found");
  if (info.size > maxBytes)
    throw invalid(
      `${field}: the file is ${info.size} bytes; at most ${maxBytes} are read`,
      field,
      "file_too_large",
    );
  return readFile(real);
}

function checkFits(server: ServerContext, text: string, what: string, param: string) {
  const context = server.defaults.contextLength;
  const tokens = server.model.tokenizer.encode(text).length;
  if (tokens >= context)
    throw invalid(
      `${param}: ${what} is ${tokens} tokens; the context holds ${context} (long documents are not split or searched: send fewer pages)`,
      param,
      "context_length_exceeded",
    );
}

function invalid(message: string, param: string, code: string | null = null): ApiError {
  return new ApiError(400, message, "invalid_request_error", param, code);
}

/**
 * Responses input items with each `input_file` part replaced by an `input_text` part holding the file's
 * text, and, for a model without a vision encoder on a server with OCR, each `input_image` part too.
 * @throws ApiError (400) naming `input[i].content[j]`
 */
export async function responseFiles(server: ServerContext, items: InputItem[]): Promise<InputItem[]> {
  const ocrImages = !server.vision && server.documents?.ocr !== undefined;
  let images = 0;
  const out: InputItem[] = [];
  for (const [i, item] of items.entries()) {
    if (item.type !== "message" || typeof item.content === "string") {
      out.push(item);
      continue;
    }
    const content = [];
    for (const [j, part] of item.content.entries()) {
      const param = `input[${i}].content[${j}]`;
      if (part.type === "input_file")
        content.push({ type: "input_text" as const, text: await fileText(server, part, param) });
      else if (ocrImages && part.type === "input_image" && part.image_url)
        content.push({
          type: "input_text" as const,
          text: await imageText(server, part.image_url, ++images, param, undefined, `${param}.image_url`),
        });
      else content.push(part);
    }
    out.push({ ...item, content });
  }
  return out;
}
