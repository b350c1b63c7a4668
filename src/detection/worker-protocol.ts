/** @module Messages between WorkerDetector and the detection worker thread. */
import type { RgbImage } from "../vision/index.js";
import type { DetectionErrorCode, DetectionResult } from "./detector.js";

/** The worker's workerData. */
export interface WorkerStart {
  modelDir?: string;
  backend: "wasm" | "cpu";
}

/** One image to detect in: decoded pixels, or PNG/JPEG bytes decoded in the worker. */
export interface WorkerRequest {
  id: number;
  image: RgbImage | Uint8Array;
  maxPixels: number;
  minScore: number;
  maxResults: number;
}

/** The answer to one request. */
export type WorkerReply =
  | { id: number; ok: true; result: DetectionResult }
  | { id: number; ok: false; code: DetectionErrorCode; message: string };

/** The first message: the model loaded, or why not. */
export type WorkerReady = { ready: true } | { ready: false; message: string };
