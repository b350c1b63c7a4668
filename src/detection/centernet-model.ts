/**
 * @module The CenterNet COCO detector shipped in @vladmandic/human 3.3.6 (`models/centernet.{json,bin}`, a
 * MobileNetV3 CenterNet, 512 x 512 input), run with TensorFlow.js on its WebAssembly backend (prebuilt
 * .wasm in the package; no native build, no download). The files are read from disk and handed to
 * tfjs through `tf.io.fromMemory`: tfjs would fetch() a path, and Node's fetch cannot read file:// URLs.
 * Runs inside the detection worker (one image at a time, blocking that thread).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { type GraphModel, loadGraphModel } from "@tensorflow/tfjs-converter";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import type { RgbImage } from "../vision/index.js";

const require = createRequire(import.meta.url);

/** The folder of the shipped model files. */
export function centernetDir(): string {
  // the package's exports hide package.json; its Node entry is dist/human.node.js
  return join(dirname(require.resolve("@vladmandic/human")), "..", "models");
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  signature?: { inputs?: Record<string, { tensorShape?: { dim?: { size: string }[] } }> };
}

/** A loaded CenterNet: raw detection rows of an image. */
export interface CenterNet {
  inputSize: number;
  /** The model's 100 rows [x1, y1, x2, y2, score, class] in input pixels. */
  rows(image: RgbImage): Promise<number[][]>;
}

/**
 * Loads the model from `dir` (default: the shipped one) on the "wasm" backend ("cpu", plain JavaScript, is
 * ~20x slower and kept for tests of the backend choice).
 */
export async function loadCenterNet(
  dir = centernetDir(),
  backend: "wasm" | "cpu" = "wasm",
): Promise<CenterNet> {
  if (backend === "wasm") setWasmPaths(`${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
  if (!(await tf.setBackend(backend))) throw new Error(`the tfjs ${backend} backend did not start`);
  await tf.ready();
  const json = JSON.parse(readFileSync(join(dir, "centernet.json"), "utf8")) as ModelJson;
  const weights = json.weightsManifest.flatMap((group) => group.weights);
  const data = Buffer.concat(
    json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))),
  );
  const model: GraphModel = await loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: weights,
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  );
  const dims = Object.values(json.signature?.inputs ?? {})[0]?.tensorShape?.dim;
  const inputSize = Number(dims?.[2]?.size ?? 512);
  return {
    inputSize,
    async rows(image) {
      const out = tf.tidy(() => {
        // the graph takes 0..255 floats, NHWC, and normalises itself
        const pixels = tf.tensor4d(Float32Array.from(image.rgb), [1, image.height, image.width, 3]);
        const input = tf.image.resizeBilinear(pixels, [inputSize, inputSize]);
        return model.execute(input, ["tower_0/detections"]) as tf.Tensor;
      });
      try {
        return ((await out.array()) as number[][][])[0];
      } finally {
        out.dispose();
      }
    },
  };
}
