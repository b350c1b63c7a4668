/**
 * @module CenterNet's `tower_0/detections` rows to Detections: rows are [x1, y1, x2, y2, score, class] in
 * the model's square input pixels; kept rows pass the score floor and a class-agnostic non-maximum
 * suppression (IoU 0.4, as @vladmandic/human does), then are scaled to the image and clipped to it.
 */
import { COCO_LABELS } from "./coco-labels.js";
import type { Box, Detection } from "./detector.js";

/** Overlap above which the lower-scored of two boxes is dropped. */
export const NMS_IOU = 0.4;

/** How to read one output: the model's input side and the image's size. */
export interface DecodeFrame {
  inputSize: number;
  width: number;
  height: number;
}

/**
 * The detections of one image, best first.
 * @example
 * decodeDetections([[0, 0, 256, 256, 0.9, 16]], { inputSize: 512, width: 1024, height: 512 }, 0.3, 10);
 * // [{ label: "dog", score: 0.9, box: { x: 0, y: 0, width: 512, height: 256 } }]
 */
export function decodeDetections(
  rows: readonly (readonly number[])[],
  frame: DecodeFrame,
  minScore: number,
  maxResults: number,
): Detection[] {
  const sx = frame.width / frame.inputSize;
  const sy = frame.height / frame.inputSize;
  const candidates = rows
    .filter((row) => row[4] >= minScore && Number.isInteger(row[5]) && COCO_LABELS[row[5]] !== undefined)
    .map((row) => ({
      label: COCO_LABELS[row[5]],
      score: Math.round(row[4] * 1000) / 1000,
      box: clip(row[0] * sx, row[1] * sy, row[2] * sx, row[3] * sy, frame),
    }))
    .filter((d) => d.box.width > 0 && d.box.height > 0)
    .sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const candidate of candidates) {
    if (kept.length >= maxResults) break;
    if (kept.every((k) => iou(k.box, candidate.box) <= NMS_IOU)) kept.push(candidate);
  }
  return kept;
}

function clip(x1: number, y1: number, x2: number, y2: number, frame: DecodeFrame): Box {
  const left = Math.max(0, Math.round(x1));
  const top = Math.max(0, Math.round(y1));
  const right = Math.min(frame.width, Math.round(x2));
  const bottom = Math.min(frame.height, Math.round(y2));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}
