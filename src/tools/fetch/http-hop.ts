/**
 * @module One HTTP(S) request to an already checked address, and its body read within a byte limit after
 * decompression (a small gzip can inflate to gigabytes). No connection is reused: each goes to the address
 * checked for it.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { pipeline, type Readable } from "node:stream";
import zlib from "node:zlib";
import type { ResolvedAddress } from "./resolve-target.js";
import { FetchRefused } from "./resolve-target.js";

/**
 * Sends a GET for `url` over a connection to `target` (whatever the host name would resolve to now) and
 * resolves with the response head; its body is still to be read.
 * @example
 * const response = await openHop(new URL("https://example.org/"), { address: "93.184.215.14", family: 4 }, headers, signal);
 * const body = await readBody(response, 1 << 20);
 */
export function openHop(
  url: URL,
  target: ResolvedAddress,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const client = url.protocol === "https:" ? https : http;
  const request = client.request(url, {
    method: "GET",
    headers,
    agent: false,
    lookup: pinnedLookup(target),
    signal,
  });
  return new Promise((resolve, reject) => {
    request.once("response", resolve).once("error", reject);
    request.end();
  });
}

// Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one
function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
}

/**
 * The decoded body, or FetchRefused once it passes `maxBytes` (the rest is not read).
 * @example
 * const body = await readBody(response, 10 * 2 ** 20); // a gzip bomb stops at 10 MiB of output
 */
export async function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers["content-length"]);
  if (declared > maxBytes) {
    response.destroy();
    throw tooLarge(maxBytes);
  }
  const decoded = decode(response);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of decoded) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      decoded.destroy();
      response.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function decode(response: IncomingMessage): Readable {
  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  const decoder = {
    identity: undefined,
    gzip: zlib.createGunzip,
    "x-gzip": zlib.createGunzip,
    deflate: zlib.createInflate,
    br: zlib.createBrotliDecompress,
  }[encoding];
  if (decoder === undefined && encoding !== "identity") {
    response.destroy();
    throw new FetchRefused(`unsupported content-encoding ${JSON.stringify(encoding)}`);
  }
  // pipeline passes an error of either side to the stream being read; the callback only has to exist
  return decoder ? pipeline(response, decoder(), () => {}) : response;
}

function tooLarge(maxBytes: number): FetchRefused {
  return new FetchRefused(`the response is larger than the ${maxBytes}-byte limit`);
}
