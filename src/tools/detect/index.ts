/**
 * @module The `detect_objects` tool: finds objects in an image (a data URL, or an http(s) URL fetched under
 * the fetch tool's address policy) with a Detector (the shipped CenterNet COCO model unless the operator
 * gives another) and tells the model what it found: label, score and box in pixels, best first.
 */
import { z } from "zod";
import {
  centernetDetector,
  DETECT_DEFAULTS,
  DetectionError,
  type DetectionResult,
  type Detector,
} from "../../detection/index.js";
import { MAX_IMAGE_PIXELS } from "../../vision/index.js";
import type { AddressPolicy } from "../fetch/index.js";
import { type BuiltinTool, DEFAULT_LIMITS, defineTool, errorResult } from "../tool.js";
import { imageBytes } from "./image-bytes.js";

/** Operator settings of the detect_objects tool. */
export interface DetectToolOptions extends AddressPolicy {
  /** The detector (default: centernetDetector(), closed with the tool; one given here stays the caller's). */
  detector?: Detector;
  /** Most bytes of one image (default 20 MiB). */
  maxImageBytes?: number;
  /** Most pixels of one image (default MAX_IMAGE_PIXELS). */
  maxImagePixels?: number;
}

/** 30 s (fetch and detection together), 256 MiB, 8 KiB of text. */
export const DETECT_LIMITS = { ...DEFAULT_LIMITS, timeMs: 30_000, outputBytes: 8 * 1024 } as const;

const args = z
  .object({
    image: z.string().min(1).describe("the image: an http(s) URL or a data URL (data:image/png;base64,...)"),
    min_score: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(`lowest confidence kept (default ${DETECT_DEFAULTS.minScore})`),
    max_results: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(`most objects listed (default ${DETECT_DEFAULTS.maxResults})`),
  })
  .strict();

/**
 * The detect_objects tool.
 * @example
 * const tool = detectObjectsTool();
 * const result = await tool.run({ image: "https://example.org/dog.jpg" }, { signal, limits: DETECT_LIMITS });
 * result.text; // "3 objects in the 768 x 576 image (x, y = top-left corner in pixels):\n- dog 0.42: x 125, y 208, ..."
 */
export function detectObjectsTool(options: DetectToolOptions = {}): BuiltinTool<DetectionResult> {
  const owned = options.detector === undefined;
  const detector = options.detector ?? centernetDetector();
  return defineTool({
    name: "detect_objects",
    description:
      "Finds objects in an image (80 everyday COCO classes: person, car, dog, cup, ...) and returns each one's label, confidence and bounding box in pixels.",
    args,
    defaultLimits: DETECT_LIMITS,
    async run({ image, min_score, max_results }, { signal, limits }) {
      const started = performance.now();
      const bytes = await imageBytes(image, {
        allowPrivate: options.allowPrivate,
        allowCidrs: options.allowCidrs,
        maxBytes: Math.min(options.maxImageBytes ?? 20 * 2 ** 20, limits.memoryBytes),
        timeMs: limits.timeMs,
        signal,
      });
      if (typeof bytes === "string") return errorResult(bytes);
      try {
        const result = await detector.detect(bytes, {
          minScore: min_score,
          maxResults: max_results,
          maxPixels: options.maxImagePixels ?? MAX_IMAGE_PIXELS,
          timeMs: Math.max(1, limits.timeMs - (performance.now() - started)),
          signal,
        });
        return { text: describe(result), isError: false, data: result };
      } catch (error) {
        if (error instanceof DetectionError) return errorResult(`detect_objects: ${error.message}`);
        throw error;
      }
    },
    close: async () => {
      if (owned) await detector.close();
    },
  });
}

function describe({ detections, width, height }: DetectionResult): string {
  if (detections.length === 0) return `no objects found in the ${width} x ${height} image`;
  const lines = detections.map(
    ({ label, score, box }) =>
      `- ${label} ${score.toFixed(2)}: x ${box.x}, y ${box.y}, width ${box.width}, height ${box.height}`,
  );
  const count = detections.length === 1 ? "1 object" : `${detections.length} objects`;
  return `${count} in the ${width} x ${height} image (label, confidence, box with x, y its top-left corner in pixels):\n${lines.join("\n")}`;
}
