/**
 * @module Object detection: the Detector interface (image in; labelled, scored boxes out) and the shipped
 * CenterNet COCO detector of @vladmandic/human, run with TensorFlow.js's WebAssembly backend in a worker
 * thread under a time limit.
 */
export { decodeDetections, iou, NMS_IOU } from "./centernet-decode.js";
export { COCO_LABELS } from "./coco-labels.js";
export {
  type Box,
  DETECT_DEFAULTS,
  type Detection,
  DetectionError,
  type DetectionErrorCode,
  type DetectionResult,
  type DetectOptions,
  type Detector,
} from "./detector.js";
export { CENTERNET_MODEL, type CenterNetOptions, centernetDetector } from "./worker-detector.js";
