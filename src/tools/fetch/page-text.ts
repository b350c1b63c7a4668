/**
 * @module A fetched body as text the model can read, by its content type: HTML as markdown, PDF as its
 * text, other text types decoded as they are. Anything else (images, archives) is refused by name.
 */
import { htmlToMarkdown } from "./html-to-markdown.js";
import { pdfToText } from "./pdf-to-text.js";
import { FetchRefused } from "./resolve-target.js";

/** What kind of document it was, its title when it has one, and its text. */
export interface PageText {
  kind: "html" | "pdf" | "text";
  title?: string;
  text: string;
}

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|ecmascript|x-ndjson)$|application\/[\w.+-]+\+(json|xml)$)/;

/**
 * Converts `body`, served as `contentType` from `url`. A missing content type is sniffed from the bytes.
 * @example
 * await pageText(Buffer.from("<h1>Hi</h1>"), "text/html", "https://a.example/"); // { kind: "html", text: "# Hi" }
 */
export async function pageText(body: Buffer, contentType: string, url: string): Promise<PageText> {
  const [mime, ...parameters] = contentType.toLowerCase().split(";");
  const type = mime.trim() || sniff(body);
  const charset = parameters.map((p) => p.trim().match(/^charset="?([\w.:-]+)"?$/)?.[1]).find(Boolean);
  if (type === "application/pdf") return { kind: "pdf", text: await pdfToText(body) };
  if (type === "text/html" || type === "application/xhtml+xml") {
    const { title, markdown } = htmlToMarkdown(decodeText(body, charset), url);
    return title ? { kind: "html", title, text: markdown } : { kind: "html", text: markdown };
  }
  if (TEXT_TYPES.test(type)) return { kind: "text", text: decodeText(body, charset) };
  throw new FetchRefused(`cannot read content of type ${type} (HTML, PDF and text types can be read)`);
}

function sniff(body: Buffer): string {
  const head = body.subarray(0, 512).toString("latin1").trimStart().toLowerCase();
  if (head.startsWith("%pdf-")) return "application/pdf";
  if (head.startsWith("<!doctype html") || head.startsWith("<html")) return "text/html";
  return head.includes("\0") ? "application/octet-stream" : "text/plain";
}

function decodeText(body: Buffer, charset = "utf-8"): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    // a charset label TextDecoder does not know: UTF-8 is the web's default
    return new TextDecoder().decode(body);
  }
}
