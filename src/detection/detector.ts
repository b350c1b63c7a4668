/**
 * @module The Detector interface: an image in (decoded RGB, or PNG/JPEG bytes decoded under a pixel limit),
 * labelled boxes with scores out. Boxes are in the image's own pixels, top-left origin.
 */
import type { RgbImage } from "../vision/index.js";

/** A box in image pixels: top-left corner, width and height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One detected object. */
export interface Detection {
  /** The class name (COCO's for the shipped model: "person", "dog", …). */
  label: string;
  /** Confidence in [0, 1]. */
  score: number;
  box: Box;
}

/** What one detection call may return and how long it may take. */
export interface DetectOptions {
  /** Lowest score kept (default 0.3). */
  minScore?: number;
  /** Most detections returned, best first (default 20). */
  maxResults?: number;
  /** Most pixels of encoded input (default MAX_IMAGE_PIXELS). */
  maxPixels?: number;
  /** Milliseconds from the start of the work to the answer (default 30 s); past it the work is stopped. */
  timeMs?: number;
  signal?: AbortSignal;
}

/** The detections of one image, best first, with the image's size. */
export interface DetectionResult {
  detections: Detection[];
  width: number;
  height: number;
}

/** Finds objects in images. */
export interface Detector {
  /** The model's name, as the endpoint reports it. */
  readonly model: string;
  /**
   * Detects objects in decoded pixels or in PNG/JPEG bytes.
   * @throws DetectionError
   */
  detect(image: RgbImage | Uint8Array, options?: DetectOptions): Promise<DetectionResult>;
  /** Stops the detector's worker; a closed detector may not detect again. */
  close(): Promise<void>;
}

/** Why a detection failed, machine-readable. */
export type DetectionErrorCode =
  | "unsupported-format"
  | "undecodable"
  | "too-large"
  | "timeout"
  | "cancelled"
  | "model-failed"
  | "closed";

/** A failed detection: the first three codes are the caller's input, the rest the detector's. */
export class DetectionError extends Error {
  constructor(
    message: string,
    readonly code: DetectionErrorCode,
  ) {
    super(message);
    this.name = "DetectionError";
  }
}

/** Defaults of DetectOptions. */
export const DETECT_DEFAULTS = { minScore: 0.3, maxResults: 20, timeMs: 30_000 } as const;
