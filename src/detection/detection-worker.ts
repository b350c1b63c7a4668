/**
 * @module The detection worker thread: loads CenterNet once, then answers one request at a time (decode
 * PNG/JPEG bytes under the pixel limit, run the model, decode the rows), so neither decoding nor inference
 * blocks the server's event loop. Started by WorkerDetector.
 */
import { parentPort, workerData } from "node:worker_threads";
import { decodeImage, ImageInputError, imageFormat, type RgbImage } from "../vision/index.js";
import { decodeDetections } from "./centernet-decode.js";
import { type CenterNet, loadCenterNet } from "./centernet-model.js";
import type { WorkerReply, WorkerRequest, WorkerStart } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("detection-worker.js runs only as a worker thread");
const start = workerData as WorkerStart;

function pixelsOf(request: WorkerRequest): RgbImage | WorkerReply {
  if (!(request.image instanceof Uint8Array)) return request.image;
  const bytes = request.image;
  if (!imageFormat(bytes)) {
    const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    return {
      id: request.id,
      ok: false,
      code: "unsupported-format",
      message: `unsupported image format: expected PNG or JPEG, the file starts with bytes ${head || "(empty)"}`,
    };
  }
  try {
    return decodeImage(bytes, request.maxPixels);
  } catch (error) {
    if (!(error instanceof ImageInputError)) throw error;
    return { id: request.id, ok: false, code: error.code, message: error.message };
  }
}

function answer(model: CenterNet, request: WorkerRequest): Promise<WorkerReply> | WorkerReply {
  const image = pixelsOf(request);
  if ("ok" in image) return image;
  return model.rows(image).then((rows) => ({
    id: request.id,
    ok: true as const,
    result: {
      detections: decodeDetections(
        rows,
        { inputSize: model.inputSize, width: image.width, height: image.height },
        request.minScore,
        request.maxResults,
      ),
      width: image.width,
      height: image.height,
    },
  }));
}

loadCenterNet(start.modelDir, start.backend).then(
  (model) => {
    port.on("message", async (request: WorkerRequest) => {
      let reply: WorkerReply;
      try {
        reply = await answer(model, request);
      } catch (error) {
        reply = { id: request.id, ok: false, code: "model-failed", message: (error as Error).message };
      }
      port.postMessage(reply);
    });
    port.postMessage({ ready: true });
  },
  (error: Error) => port.postMessage({ ready: false, message: error.message }),
);
