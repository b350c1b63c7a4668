/**
 * @module JSON over HTTP for search adapters: one request with a deadline, a clear error for a non-2xx
 * answer (with the start of its body, where providers explain), and a bound on how much is read.
 */

/** Most bytes of a provider's answer read; search results are a few kilobytes. */
const MAX_RESPONSE_BYTES = 4 * 2 ** 20;

/**
 * Sends the request and parses the JSON answer.
 * @example
 * const body = await requestJson("https://search.example/search?q=rio&format=json", { signal });
 */
export async function requestJson(
  url: string,
  init: RequestInit & { signal: AbortSignal },
): Promise<unknown> {
  const response = await fetch(url, { ...init, headers: { accept: "application/json", ...init.headers } });
  const text = await readText(response);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the answer is not JSON: ${text.slice(0, 100)}`);
  }
}

async function readText(response: Response): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_RESPONSE_BYTES) throw new Error(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) throw new Error(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
