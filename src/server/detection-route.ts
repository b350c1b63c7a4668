/**
 * @module POST /v1/rio/detections: objects in one image. The body is `{ image, min_score?, max_results? }`
 * with `image` a base64 data URL or an http(s) URL (fetched under the media address policy); the answer is
 * `{ model, width, height, detections: [{ label, score, box: { x, y, width, height } }] }`, boxes in the
 * image's pixels. Decoding and the model run in the detector's worker thread, so a big image does not
 * stall other requests; every bad image is a 400 that says what was wrong.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { DetectionError, type DetectionErrorCode, type Detector } from "../detection/index.js";
import type { AddressPolicy } from "../tools/index.js";
import { MAX_IMAGE_PIXELS } from "../vision/index.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";
import { mediaBytes } from "./media-input.js";
import { parseBody } from "./schemas/validate.js";

/** How a server answers detection requests. */
export interface DetectionOptions {
  /** The detector (its owner closes it after the server). */
  detector: Detector;
  /** Most bytes of one image, as sent or fetched (default 20 MiB). */
  maxImageBytes?: number;
  /** Most pixels of one image (default MAX_IMAGE_PIXELS). */
  maxImagePixels?: number;
  /** Milliseconds one detection may run (default 30 s). */
  timeMs?: number;
  /** Which addresses image URLs may reach (public ones only by default) and how long a fetch may take. */
  fetch?: AddressPolicy & { timeMs?: number };
}

/** Default most bytes of one image. */
export const DEFAULT_DETECTION_BYTES = 20 * 2 ** 20;

const detectionRequest = z
  .object({
    image: z.string().min(1),
    min_score: z.number().min(0).max(1).optional(),
    max_results: z.number().int().min(1).max(100).optional(),
  })
  .strict();

const STATUS: Record<DetectionErrorCode, (message: string) => ApiError> = {
  "unsupported-format": (m) =>
    new ApiError(400, `image: ${m}`, "invalid_request_error", "image", "unsupported_image_format"),
  undecodable: (m) => new ApiError(400, `image: ${m}`, "invalid_request_error", "image", "invalid_image"),
  "too-large": (m) => new ApiError(400, `image: ${m}`, "invalid_request_error", "image", "image_too_large"),
  timeout: (m) => new ApiError(503, m, "server_error", null, "detection_timeout"),
  cancelled: (m) => new ApiError(499, m, "invalid_request_error", null, "cancelled"),
  "model-failed": (m) => new ApiError(500, m, "server_error", null, "detection_failed"),
  closed: (m) => new ApiError(503, m, "server_error", null, "shutting_down"),
};

/** Registers the route; without a detector it answers 404 saying how to turn detection on. */
export function detectionRoutes(app: FastifyInstance, server: ServerContext): void {
  const options = server.detection;
  const maxBytes = options?.maxImageBytes ?? DEFAULT_DETECTION_BYTES;
  // a data URL of the largest image, plus room for the rest of the body: more is refused by Fastify (413)
  const bodyLimit = Math.ceil((maxBytes * 4) / 3) + 64 * 1024;
  app.post("/v1/rio/detections", { bodyLimit: Math.max(bodyLimit, 1024 * 1024) }, async (request) => {
    if (!options)
      throw new ApiError(
        404,
        "object detection is not enabled on this server (start it with `rio serve --detection`)",
        "invalid_request_error",
        null,
        "not_found",
      );
    const body = parseBody(detectionRequest, request.body);
    const abort = new AbortController();
    request.raw.once("close", () => {
      if (!request.raw.complete) abort.abort();
    });
    const bytes = await mediaBytes(options.fetch, body.image, "image", "image", maxBytes, abort.signal);
    try {
      const result = await options.detector.detect(bytes, {
        minScore: body.min_score,
        maxResults: body.max_results,
        maxPixels: options.maxImagePixels ?? MAX_IMAGE_PIXELS,
        timeMs: options.timeMs,
        signal: abort.signal,
      });
      return {
        model: options.detector.model,
        width: result.width,
        height: result.height,
        detections: result.detections,
      };
    } catch (error) {
      if (error instanceof DetectionError) throw STATUS[error.code](error.message);
      throw error;
    }
  });
}
