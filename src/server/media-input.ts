/**
 * @module The images of a chat request: each `image_url` part's bytes (a data URL, or an http(s) URL fetched
 * under the fetch tool's address policy, size and time limits), decoded and run through the model's vision
 * encoder, in message order. Every refusal is a 400 that names the part.
 */
import type { MediaEmbeddings } from "../engine/index.js";
import { type AddressPolicy, FetchRefused, fetchBytes } from "../tools/index.js";
import { decodeImage, type ImageEncoder, ImageInputError, MAX_IMAGE_PIXELS } from "../vision/index.js";
import { ApiError } from "./errors.js";
import type { ChatRequestMessage } from "./schemas/chat.js";

/** How a server takes images. */
export interface VisionOptions {
  /** The model's vision encoder. */
  encoder: ImageEncoder;
  /** Most images in one request (default 8). */
  maxImages?: number;
  /** Most bytes of one image, as sent or fetched (default 20 MiB). */
  maxImageBytes?: number;
  /** Most pixels of one image (default MAX_IMAGE_PIXELS). */
  maxImagePixels?: number;
  /** Which addresses image URLs may reach (public ones only by default) and how long a fetch may take. */
  fetch?: AddressPolicy & { timeMs?: number };
}

const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,/i;

/**
 * The media of `messages`, one block per image part in order; none when there are no image parts.
 * @throws ApiError (400) naming the part: no vision encoder, too many images, a bad URL or image.
 */
export async function requestMedia(
  vision: VisionOptions | undefined,
  messages: ChatRequestMessage[],
  field: string,
  signal?: AbortSignal,
): Promise<MediaEmbeddings[]> {
  const places = messages.flatMap((message, m) =>
    typeof message.content === "string" || !message.content
      ? []
      : message.content.flatMap((part, p) =>
          part.type === "text" ? [] : [{ part, param: `${field}[${m}].content[${p}]` }],
        ),
  );
  if (places.length === 0) return [];
  const video = places.find(({ part }) => part.type === "video_url");
  if (video) throw invalid(`${video.param}: video input is not supported by this server yet`, video.param);
  if (!vision)
    throw invalid(
      `${places[0].param}: this model has no vision encoder, so it takes no images (serve a checkpoint with a vision tower)`,
      places[0].param,
    );
  const maxImages = vision.maxImages ?? 8;
  if (places.length > maxImages)
    throw invalid(
      `${field}: ${places.length} images in one request; at most ${maxImages} are accepted`,
      field,
    );
  const media: MediaEmbeddings[] = [];
  for (const { part, param } of places) {
    if (part.type !== "image_url") continue;
    const url = typeof part.image_url === "string" ? part.image_url : part.image_url.url;
    const bytes = await imageBytes(vision, url, `${param}.image_url.url`, signal);
    try {
      const image = decodeImage(bytes, vision.maxImagePixels ?? MAX_IMAGE_PIXELS);
      media.push(await vision.encoder.encode(image.rgb, image.width, image.height));
    } catch (error) {
      if (error instanceof ImageInputError) throw invalid(`${param}: ${error.message}`, param, error.code);
      throw error;
    }
  }
  return media;
}

async function imageBytes(
  vision: VisionOptions,
  url: string,
  param: string,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const maxBytes = vision.maxImageBytes ?? 20 * 2 ** 20;
  const data = DATA_URL.exec(url);
  if (data) {
    const payload = url.slice(data[0].length);
    if (!data[3]) throw invalid(`${param}: a data URL must be base64 (";base64,")`, param);
    // base64 grows 4/3: refuse before decoding what would be too large anyway
    if ((payload.length * 3) / 4 > maxBytes + 3) throw tooLarge(param, maxBytes);
    return Buffer.from(payload, "base64");
  }
  if (!/^https?:\/\//i.test(url))
    throw invalid(
      `${param}: expected a data URL or an http(s) URL, got ${JSON.stringify(url.slice(0, 40))}`,
      param,
    );
  try {
    const { body } = await fetchBytes(url, {
      ...vision.fetch,
      maxBytes,
      timeMs: vision.fetch?.timeMs ?? 10_000,
      signal,
    });
    return body;
  } catch (error) {
    if (error instanceof FetchRefused)
      throw invalid(`${param}: ${error.message}`, param, "image_fetch_failed");
    throw error;
  }
}

function tooLarge(param: string, maxBytes: number): ApiError {
  return invalid(`${param}: the image is larger than ${maxBytes} bytes`, param, "too-large");
}

function invalid(message: string, param: string, code: string | null = null): ApiError {
  const codes: Record<string, string> = { undecodable: "invalid_image", "too-large": "image_too_large" };
  return new ApiError(400, message, "invalid_request_error", param, code ? (codes[code] ?? code) : null);
}
