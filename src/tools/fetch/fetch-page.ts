/**
 * @module GET a URL the safe way: http and https only, redirects followed by hand up to a limit, and every
 * hop's host resolved and checked against the address policy before its connection is made.
 */
import type { IncomingMessage } from "node:http";
import type { AddressPolicy } from "./address-policy.js";
import { openHop, readBody } from "./http-hop.js";
import { FetchRefused, type HostResolver, resolveTarget } from "./resolve-target.js";

/** How a fetch is made; the same for the page and, when rendering, for everything the page loads. */
export interface FetchSettings {
  policy: AddressPolicy;
  resolver: HostResolver;
  maxRedirects: number;
  /** The most body bytes read, after decompression. */
  maxBytes: number;
  userAgent: string;
  signal: AbortSignal;
}

/** A fetched response: the URL it finally came from, the redirects on the way, and the raw body. */
export interface FetchedPage {
  url: string;
  status: number;
  statusText: string;
  contentType: string;
  redirects: string[];
  body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches `address`, following redirects.
 * @example
 * const page = await fetchPage("https://example.org/", { policy: {}, resolver: systemResolver, maxRedirects: 5, maxBytes: 1 << 20, userAgent: "Rio", signal });
 * page.contentType; // "text/html; charset=UTF-8"
 */
export async function fetchPage(address: string, settings: FetchSettings): Promise<FetchedPage> {
  let url = httpUrl(address);
  const redirects: string[] = [];
  for (;;) {
    const response = await fetchHop(url, settings);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (!REDIRECTS.has(status) || !location) {
      return {
        url: url.href,
        status,
        statusText: response.statusMessage ?? "",
        contentType: response.headers["content-type"] ?? "",
        redirects,
        body: await readBody(response, settings.maxBytes),
      };
    }
    response.destroy();
    if (redirects.length >= settings.maxRedirects)
      throw new FetchRefused(
        `stopped after ${settings.maxRedirects} redirects (the next was to ${location})`,
      );
    url = httpUrl(new URL(location, url).href);
    redirects.push(url.href);
  }
}

/**
 * One request, no redirect followed: the response head, body unread.
 * @example
 * const response = await fetchHop(new URL("https://example.org/"), settings);
 * response.statusCode; // 200
 */
export async function fetchHop(url: URL, settings: FetchSettings): Promise<IncomingMessage> {
  const target = await resolveTarget(url.hostname, settings.policy, settings.resolver, settings.signal);
  const headers = { "user-agent": settings.userAgent, accept: "*/*", "accept-encoding": "gzip, deflate, br" };
  return openHop(url, target, headers, settings.signal);
}

/**
 * `address` as a URL if it is http(s), else FetchRefused.
 * @example
 * httpUrl("file:///etc/passwd"); // throws FetchRefused: "only http and https URLs can be fetched, not file:"
 */
export function httpUrl(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new FetchRefused(`not a URL: ${JSON.stringify(address)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new FetchRefused(`only http and https URLs can be fetched, not ${url.protocol}`);
  return url;
}
