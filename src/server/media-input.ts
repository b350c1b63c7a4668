/**
 * @module The images and videos of a chat request: each `image_url` or `video_url` part's bytes (a data
 * URL, or an http(s) URL fetched under the fetch tool's address policy, size and time limits), decoded
 * (a video: frames sampled with the system's ffmpeg) and run through the model's vision encoder, in
 * message order. Every refusal is a 400 that names the part.
 */
import type { MediaItem, VideoEmbeddings } from "../decoding/index.js";
import { type AddressPolicy, FetchRefused, fetchBytes } from "../tools/index.js";
import {
  decodeImage,
  type ImageEncoder,
  ImageInputError,
  MAX_IMAGE_PIXELS,
  readVideoFrames,
  temporalGroups,
  VideoInputError,
  type VideoInputErrorCode,
  type VideoReadOptions,
} from "../vision/index.js";
import { ApiError } from "./errors.js";
import type { InputItem } from "./responses/schema.js";
import type { ChatRequestMessage } from "./schemas/chat.js";

/**
 * How a server takes videos: sampling and limits of readVideoFrames (Qwen3.5's sampling, 2 frames a
 * second, except at most 64 frames unless maxFrames says otherwise), plus these.
 */
export interface VideoInputOptions extends Omit<VideoReadOptions, "signal"> {
  /** Most videos in one request (default 2). */
  maxVideos?: number;
  /** Most bytes of one video, as sent or fetched (default 32 MiB: as a data URL it fits the 64 MiB body limit). */
  maxBytes?: number;
}

/** How a server takes images and videos. */
export interface VisionOptions {
  /** The model's vision encoder. */
  encoder: ImageEncoder;
  /** Most images in one request (default 8). */
  maxImages?: number;
  /** Most bytes of one image, as sent or fetched (default 20 MiB). */
  maxImageBytes?: number;
  /** Most pixels of one image (default MAX_IMAGE_PIXELS). */
  maxImagePixels?: number;
  /** Video input (the system's ffmpeg and ffprobe); false refuses videos. */
  video?: VideoInputOptions | false;
  /** Which addresses media URLs may reach (public ones only by default) and how long a fetch may take. */
  fetch?: AddressPolicy & { timeMs?: number };
}

/** Frames a server samples from one video unless VideoInputOptions.maxFrames says otherwise. */
export const DEFAULT_MAX_VIDEO_FRAMES = 64;

const DATA_URL = /^data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,/i;

/** One image or video of a request; `param` names the part in errors, `urlParam` its URL. */
type Place = { kind: "image" | "video"; url: UrlField; param: string; urlParam: string };

/**
 * The media of chat `messages`, one item per image or video part in order; none when there are no such parts.
 * @throws ApiError (400) naming the part: no vision encoder, too many images or videos, a bad URL, image or
 *   video, or a server that cannot read videos
 */
export function requestMedia(
  vision: VisionOptions | undefined,
  messages: ChatRequestMessage[],
  field: string,
  signal?: AbortSignal,
): Promise<MediaItem[]> {
  const places = messages.flatMap((message, m) =>
    typeof message.content === "string" || !message.content
      ? []
      : message.content.flatMap((part, p): Place[] => {
          const param = `${field}[${m}].content[${p}]`;
          if (part.type === "image_url")
            return [{ kind: "image", url: part.image_url, param, urlParam: `${param}.image_url.url` }];
          if (part.type === "video_url")
            return [{ kind: "video", url: part.video_url, param, urlParam: `${param}.video_url.url` }];
          return [];
        }),
  );
  return encodeMedia(vision, places, field, signal);
}

/**
 * The images of a Responses conversation (the stored turns, then the request's input), one item per
 * `input_image` part in order, as the template places them.
 * @throws ApiError (400) naming the part, as requestMedia; also for an image given by `file_id` (Rio has no
 *   Files API)
 */
export function responseMedia(
  vision: VisionOptions | undefined,
  history: InputItem[],
  input: InputItem[],
  signal?: AbortSignal,
): Promise<MediaItem[]> {
  const places = (items: InputItem[], name: (i: number) => string) =>
    items.flatMap((item, i) =>
      item.type !== "message" || typeof item.content === "string"
        ? []
        : item.content.flatMap((part, j): Place[] => {
            if (part.type !== "input_image") return [];
            const param = `${name(i)}.content[${j}]`;
            if (!part.image_url)
              throw invalid(
                `${param}: give the image as image_url (a data URL or an http(s) URL); Rio has no Files API for file_id`,
                `${param}.image_url`,
              );
            return [{ kind: "image", url: part.image_url, param, urlParam: `${param}.image_url` }];
          }),
    );
  return encodeMedia(
    vision,
    [
      ...places(history, (i) => `previous_response_id (stored item ${i})`),
      ...places(input, (i) => `input[${i}]`),
    ],
    "input",
    signal,
  );
}

async function encodeMedia(
  vision: VisionOptions | undefined,
  places: Place[],
  field: string,
  signal?: AbortSignal,
): Promise<MediaItem[]> {
  if (places.length === 0) return [];
  if (!vision)
    throw invalid(
      `${places[0].param}: this model has no vision encoder, so it takes no images or videos (serve a checkpoint with a vision tower)`,
      places[0].param,
    );
  const videos = places.filter(({ kind }) => kind === "video");
  if (videos.length > 0 && vision.video === false)
    throw invalid(
      `${videos[0].param}: this server does not take videos`,
      videos[0].param,
      "video_unsupported",
    );
  const maxImages = vision.maxImages ?? 8;
  const images = places.length - videos.length;
  if (images > maxImages)
    throw invalid(`${field}: ${images} images in one request; at most ${maxImages} are accepted`, field);
  const maxVideos = videoOptions(vision).maxVideos ?? 2;
  if (videos.length > maxVideos)
    throw invalid(
      `${field}: ${videos.length} videos in one request; at most ${maxVideos} are accepted`,
      field,
    );
  const media: MediaItem[] = [];
  for (const place of places)
    media.push(
      place.kind === "image"
        ? await imageItem(vision, place, signal)
        : await videoItem(vision, place, signal),
    );
  return media;
}

const videoOptions = (vision: VisionOptions): VideoInputOptions => vision.video || {};

type UrlField = string | { url: string };
/** The URL of an image or video part (a bare string or `{ url }`). */
export const urlOf = (field: UrlField) => (typeof field === "string" ? field : field.url);

async function imageItem(vision: VisionOptions, { url, param, urlParam }: Place, signal?: AbortSignal) {
  const maxBytes = vision.maxImageBytes ?? 20 * 2 ** 20;
  const bytes = await mediaBytes(vision.fetch, urlOf(url), urlParam, "image", maxBytes, signal);
  try {
    const image = decodeImage(bytes, vision.maxImagePixels ?? MAX_IMAGE_PIXELS);
    return await vision.encoder.encode(image.rgb, image.width, image.height);
  } catch (error) {
    if (error instanceof ImageInputError)
      throw invalid(`${param}: ${error.message}`, param, IMAGE_CODES[error.code]);
    throw error;
  }
}

async function videoItem(
  vision: VisionOptions,
  { url, param, urlParam }: Place,
  signal?: AbortSignal,
): Promise<VideoEmbeddings> {
  const { maxVideos: _, maxBytes = 32 * 2 ** 20, ...read } = videoOptions(vision);
  const bytes = await mediaBytes(vision.fetch, urlOf(url), urlParam, "video", maxBytes, signal);
  try {
    const video = await readVideoFrames(bytes, {
      ...read,
      maxFrames: read.maxFrames ?? DEFAULT_MAX_VIDEO_FRAMES,
      signal,
    });
    const groups = [];
    for (const [k, frames] of temporalGroups(video, read.temporalPatchSize).entries())
      groups.push({ seconds: video.timestamps[k], block: await vision.encoder.encodeFrames(frames) });
    return { groups };
  } catch (error) {
    if (error instanceof VideoInputError)
      throw invalid(`${param}: ${error.message}`, param, VIDEO_CODES[error.code]);
    throw error;
  }
}

/**
 * The bytes of a media URL: a base64 data URL, or an http(s) URL fetched under `fetch`'s address policy.
 * @throws ApiError (400) naming `param`: not base64, larger than maxBytes, not a data or http(s) URL, or refused
 */
export async function mediaBytes(
  fetch: VisionOptions["fetch"],
  url: string,
  param: string,
  kind: "image" | "video" | "file",
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const data = DATA_URL.exec(url);
  if (data) {
    const payload = url.slice(data[0].length);
    if (!data[3]) throw invalid(`${param}: a data URL must be base64 (";base64,")`, param);
    // base64 grows 4/3: refuse before decoding what would be too large anyway
    if ((payload.length * 3) / 4 > maxBytes + 3)
      throw invalid(`${param}: the ${kind} is larger than ${maxBytes} bytes`, param, `${kind}_too_large`);
    return Buffer.from(payload, "base64");
  }
  if (!/^https?:\/\//i.test(url))
    throw invalid(
      `${param}: expected a data URL or an http(s) URL, got ${JSON.stringify(url.slice(0, 40))}`,
      param,
    );
  try {
    const { body } = await fetchBytes(url, {
      ...fetch,
      maxBytes,
      timeMs: fetch?.timeMs ?? 10_000,
      signal,
    });
    return body;
  } catch (error) {
    if (error instanceof FetchRefused)
      throw invalid(`${param}: ${error.message}`, param, `${kind}_fetch_failed`);
    throw error;
  }
}

const IMAGE_CODES: Record<string, string> = { undecodable: "invalid_image", "too-large": "image_too_large" };
const VIDEO_CODES: Record<VideoInputErrorCode, string> = {
  "not-a-video": "invalid_video",
  undecodable: "invalid_video",
  "too-long": "video_too_long",
  "too-large": "video_too_large",
  timeout: "video_timeout",
  "ffmpeg-not-found": "video_unsupported",
};

function invalid(message: string, param: string, code: string | null = null): ApiError {
  return new ApiError(400, message, "invalid_request_error", param, code);
}
