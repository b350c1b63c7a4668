/**
 * @module An image argument's bytes: a base64 data URL, or an http(s) URL fetched with fetchBytes (the
 * fetch tool's address policy, size and time limits). Refusals come back as text for an error result.
 */
import { type FetchBytesOptions, FetchRefused, fetchBytes } from "../fetch/index.js";

const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,/i;

/**
 * The bytes behind `image`, or why there are none.
 * @example
 * await imageBytes("data:image/png;base64,iVBORw0KGgo...", { maxBytes: 1 << 20, timeMs: 10_000 }); // Uint8Array
 * await imageBytes("file:///etc/passwd", opts); // "image: expected a data URL or an http(s) URL, got \"file:///etc/passwd\""
 */
export async function imageBytes(image: string, options: FetchBytesOptions): Promise<Uint8Array | string> {
  const data = DATA_URL.exec(image);
  if (data) {
    if (!data[3]) return `image: a data URL must be base64 (";base64,")`;
    const payload = image.slice(data[0].length);
    if ((payload.length * 3) / 4 > options.maxBytes + 3)
      return `image: the image is larger than ${options.maxBytes} bytes`;
    return Buffer.from(payload, "base64");
  }
  if (!/^https?:\/\//i.test(image))
    return `image: expected a data URL or an http(s) URL, got ${JSON.stringify(image.slice(0, 40))}`;
  try {
    return (await fetchBytes(image, options)).body;
  } catch (error) {
    if (error instanceof FetchRefused) return `image: ${error.message}`;
    throw error;
  }
}
