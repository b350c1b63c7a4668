/**
 * @module The raw bytes behind an http(s) URL under the fetch tool's rules (address policy checked at every
 * hop, redirects limited, body size limited after decompression, a deadline): for media that a request
 * links to, such as an `image_url`.
 */
import type { AddressPolicy } from "./address-policy.js";
import { fetchPage } from "./fetch-page.js";
import { FetchRefused, type HostResolver, systemResolver } from "./resolve-target.js";

/** Limits and policy of one media fetch. */
export interface FetchBytesOptions extends AddressPolicy {
  maxBytes: number;
  timeMs: number;
  signal?: AbortSignal;
  resolver?: HostResolver;
}

/**
 * GETs `address` and returns its body; a refused address, a non-2xx status, a body over maxBytes or the
 * deadline passing all throw FetchRefused with the reason.
 * @example
 * const { body, contentType } = await fetchBytes("https://example.org/cat.png", { maxBytes: 20 << 20, timeMs: 10_000 });
 */
export async function fetchBytes(
  address: string,
  options: FetchBytesOptions,
): Promise<{ body: Buffer; contentType: string }> {
  const deadline = AbortSignal.timeout(options.timeMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const page = await fetchPage(address, {
      policy: options,
      resolver: options.resolver ?? systemResolver,
      maxRedirects: 5,
      maxBytes: options.maxBytes,
      userAgent: "Mozilla/5.0 (compatible; Rio media fetch)",
      signal,
    });
    if (page.status < 200 || page.status >= 300)
      throw new FetchRefused(`${address} answered HTTP ${page.status} ${page.statusText}`.trim());
    return { body: page.body, contentType: page.contentType };
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted)
      throw new FetchRefused(`fetching ${address} took longer than ${options.timeMs} ms`);
    if (error instanceof FetchRefused || options.signal?.aborted) throw error;
    throw new FetchRefused(`could not fetch ${address}: ${(error as Error).message}`);
  }
}
