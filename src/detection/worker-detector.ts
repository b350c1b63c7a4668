/**
 * @module A Detector whose work (image decoding and the model) runs in a worker thread, one image at a
 * time in call order, each under a time limit. A run past its limit, or cancelled, stops the worker; the
 * next call starts a fresh one (the model loads in well under a second).
 */
import { Worker } from "node:worker_threads";
import { MAX_IMAGE_PIXELS, type RgbImage } from "../vision/index.js";
import {
  DETECT_DEFAULTS,
  DetectionError,
  type DetectionResult,
  type DetectOptions,
  type Detector,
} from "./detector.js";
import type { WorkerReady, WorkerReply, WorkerRequest, WorkerStart } from "./worker-protocol.js";

/** The name the endpoint reports for the shipped model. */
export const CENTERNET_MODEL = "centernet-coco (@vladmandic/human 3.3.6)";

const WORKER_SCRIPT = new URL("./detection-worker.js", import.meta.url);

/** How long the worker may take to load the model. */
const START_MS = 60_000;

/** Options of centernetDetector. */
export interface CenterNetOptions {
  /** A folder with centernet.json and its weights (default: the one shipped in @vladmandic/human). */
  modelDir?: string;
  /** tfjs backend (default "wasm"; "cpu" is plain JavaScript and ~20x slower). */
  backend?: "wasm" | "cpu";
}

/**
 * The shipped COCO detector, run off the event loop.
 * @example
 * const detector = centernetDetector();
 * const { detections } = await detector.detect(readFileSync("dog.jpg"), { minScore: 0.4 });
 * detections[0]; // { label: "dog", score: 0.62, box: { x: 120, y: 210, width: 190, height: 330 } }
 * await detector.close();
 */
export function centernetDetector(options: CenterNetOptions = {}): Detector {
  return new WorkerDetector(CENTERNET_MODEL, {
    modelDir: options.modelDir,
    backend: options.backend ?? "wasm",
  });
}

class WorkerDetector implements Detector {
  private worker: Promise<Worker> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly model: string,
    private readonly start: WorkerStart,
  ) {}

  detect(image: RgbImage | Uint8Array, options: DetectOptions = {}): Promise<DetectionResult> {
    if (this.closed) return Promise.reject(new DetectionError("the detector is closed", "closed"));
    const run = this.tail.then(() => this.runOne(image, options));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    await this.stop();
  }

  private async runOne(image: RgbImage | Uint8Array, options: DetectOptions): Promise<DetectionResult> {
    if (this.closed) throw new DetectionError("the detector is closed", "closed");
    const signal = options.signal;
    if (signal?.aborted) throw new DetectionError("the detection was cancelled", "cancelled");
    const worker = await this.started();
    const timeMs = options.timeMs ?? DETECT_DEFAULTS.timeMs;
    const request: WorkerRequest = {
      id: this.nextId++,
      image,
      maxPixels: options.maxPixels ?? MAX_IMAGE_PIXELS,
      minScore: options.minScore ?? DETECT_DEFAULTS.minScore,
      maxResults: options.maxResults ?? DETECT_DEFAULTS.maxResults,
    };
    worker.ref();
    try {
      return await new Promise<DetectionResult>((resolve, reject) => {
        const done = (settle: () => void) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          worker.off("message", onMessage).off("error", onError).off("exit", onExit);
          settle();
        };
        const fail = (error: DetectionError, stop: boolean) =>
          done(() => {
            if (stop) void this.stop();
            reject(error);
          });
        const onMessage = (reply: WorkerReply) => {
          if (reply.id !== request.id) return;
          if (reply.ok) done(() => resolve(reply.result));
          else fail(new DetectionError(reply.message, reply.code), false);
        };
        const onError = (err: Error) =>
          fail(new DetectionError(`the detection worker failed: ${err.message}`, "model-failed"), true);
        const onExit = (code: number) =>
          fail(new DetectionError(`the detection worker stopped (exit code ${code})`, "model-failed"), true);
        const onAbort = () => fail(new DetectionError("the detection was cancelled", "cancelled"), true);
        const timer = setTimeout(
          () =>
            fail(
              new DetectionError(`the detection took longer than ${timeMs} ms and was stopped`, "timeout"),
              true,
            ),
          timeMs,
        );
        signal?.addEventListener("abort", onAbort, { once: true });
        worker.on("message", onMessage).once("error", onError).once("exit", onExit);
        worker.postMessage(request);
      });
    } finally {
      // an idle worker must not keep the process alive
      if (this.worker) worker.unref();
    }
  }

  private started(): Promise<Worker> {
    if (this.worker) return this.worker;
    const started = startWorker(this.start, () => {
      if (this.worker === started) this.worker = undefined;
    });
    this.worker = started;
    return started;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker.catch(() => undefined))?.terminate();
  }
}

/** Starts a worker and waits for its model; `gone` is called once it fails to start, fails or exits. */
function startWorker(start: WorkerStart, gone: () => void): Promise<Worker> {
  const worker = new Worker(WORKER_SCRIPT, { workerData: start, env: {} });
  // a failure between runs must not crash the process: the next run starts a fresh worker
  worker.on("error", gone).once("exit", gone);
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      gone();
      void worker.terminate();
      reject(new DetectionError(`the detection model did not load: ${message}`, "model-failed"));
    };
    const timer = setTimeout(() => fail(`no answer in ${START_MS} ms`), START_MS);
    worker.once("error", (err) => fail(err.message));
    worker.once("message", (message: WorkerReady) => {
      if (!message.ready) return fail(message.message);
      clearTimeout(timer);
      worker.unref();
      resolve(worker);
    });
  });
}
