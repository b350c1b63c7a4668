/**
 * @module The `fetch` tool: reads a web page or document for the model. HTTP(S) only; private, loopback and
 * other special addresses refused after DNS on every hop unless the operator allows them; within the call's
 * limits (`timeMs` for the whole fetch, `memoryBytes` for the body after decompression, `outputBytes` for
 * the text returned). HTML comes back as readable markdown, PDF as text; with the operator's consent, pages
 * that need JavaScript are rendered in headless Chromium first.
 */
import { z } from "zod";
import { limitText } from "../text-limit.js";
import { type BuiltinTool, defineTool, errorResult, type ToolLimits, type ToolResult } from "../tool.js";
import type { AddressPolicy } from "./address-policy.js";
import { type FetchedPage, type FetchSettings, fetchPage } from "./fetch-page.js";
import { pageText } from "./page-text.js";
import { DEFAULT_CHROMIUM, renderPage } from "./render-page.js";
import { FetchRefused, type HostResolver, systemResolver } from "./resolve-target.js";

export { type AddressPolicy, refusalReason } from "./address-policy.js";
export { type FetchBytesOptions, fetchBytes } from "./fetch-bytes.js";
export { FetchRefused, type HostResolver, type ResolvedAddress } from "./resolve-target.js";

/** How the operator set the tool up. */
export interface FetchToolOptions extends AddressPolicy {
  /** Redirects followed before giving up; 5 by default. */
  maxRedirects?: number;
  /** Enables `render: true` calls; `executablePath` defaults to Debian's /usr/bin/chromium. */
  render?: { executablePath?: string };
  /** Name resolution; the system's by default. */
  resolver?: HostResolver;
  userAgent?: string;
}

/** The structured side of a fetch result. */
export interface FetchData {
  url: string;
  finalUrl: string;
  status: number;
  contentType: string;
  kind: "html" | "pdf" | "text";
  title?: string;
  redirects: string[];
  bytes: number;
  truncated: boolean;
  rendered: boolean;
}

/** Limits that suit a web page: 20 s, a 10 MiB body, 64 KiB of text back. */
export const FETCH_LIMITS: Readonly<ToolLimits> = {
  timeMs: 20_000,
  memoryBytes: 10 * 2 ** 20,
  outputBytes: 64 * 1024,
};

const url = z.string().min(1).describe("The http or https URL to read");
const render = z
  .boolean()
  .optional()
  .describe("Render the page in a headless browser first (for pages that need JavaScript)");

/**
 * The fetch tool.
 * @example
 * const fetchTool = webFetchTool({ allowCidrs: ["10.1.0.0/16"] });
 * const result = await fetchTool.run({ url: "https://example.org/" }, { signal, limits: FETCH_LIMITS });
 * result.text; // "URL: https://example.org/\nTitle: Example Domain\n\n# Example Domain\n\n..."
 */
export function webFetchTool(options: FetchToolOptions = {}): BuiltinTool<FetchData> {
  const canRender = options.render !== undefined;
  const args = canRender ? z.object({ url, render }).strict() : z.object({ url }).strict();
  return defineTool({
    name: "fetch",
    defaultLimits: FETCH_LIMITS,
    description:
      "Read a web page or document (HTML as markdown, PDF as text) from an http or https URL." +
      (canRender ? " Set render for pages that only show their content with JavaScript." : ""),
    args,
    async run(call, { signal, limits }): Promise<ToolResult<FetchData>> {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(limits.timeMs)]);
      const settings: FetchSettings = {
        policy: options,
        resolver: options.resolver ?? systemResolver,
        maxRedirects: options.maxRedirects ?? 5,
        maxBytes: limits.memoryBytes,
        userAgent: options.userAgent ?? "Mozilla/5.0 (compatible; Rio fetch tool)",
        signal: deadline,
      };
      const rendered = "render" in call && call.render === true;
      try {
        const page = rendered
          ? await renderPage(
              call.url,
              settings,
              options.render?.executablePath ?? DEFAULT_CHROMIUM,
              limits.timeMs,
            )
          : await fetchPage(call.url, settings);
        return await describePage(call.url, page, rendered, limits);
      } catch (err) {
        if (signal.aborted) return errorResult("the fetch was cancelled");
        if (deadline.aborted) return errorResult(`the fetch timed out after ${limits.timeMs} ms`);
        if (err instanceof FetchRefused) return errorResult(err.message);
        return errorResult(`could not fetch ${call.url}: ${(err as Error).message}`);
      }
    },
  });
}

// the text the model reads: a short head (status when it failed, final URL, title), then the content
async function describePage(
  address: string,
  page: FetchedPage,
  rendered: boolean,
  limits: ToolLimits,
): Promise<ToolResult<FetchData>> {
  const content = await pageText(page.body, page.contentType, page.url);
  const { text, truncated } = limitText(content.text, limits.outputBytes);
  const failed = page.status >= 400;
  const head = [
    ...(failed ? [`HTTP ${page.status} ${page.statusText}`] : []),
    `URL: ${page.url}`,
    ...(content.title ? [`Title: ${content.title}`] : []),
  ];
  const data: FetchData = {
    url: address,
    finalUrl: page.url,
    status: page.status,
    contentType: page.contentType,
    kind: content.kind,
    ...(content.title ? { title: content.title } : {}),
    redirects: page.redirects,
    bytes: page.body.length,
    truncated,
    rendered,
  };
  return { text: `${head.join("\n")}\n\n${text}`, isError: failed, data };
}
