/**
 * The shipped CenterNet COCO detector in its worker thread: darknet's sample photos give their known
 * classes with boxes inside the image; bad input is refused with the reason; a run past its time limit is
 * stopped and the next one works. The decoding of the model's rows is checked on its own.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import jpeg from "jpeg-js";
import { centernetDetector, DetectionError, decodeDetections, iou } from "../../src/detection/index.js";
import { pngOf } from "../vision/images.js";
import { darknetImage } from "./darknet-images.js";

const detector = centernetDetector();
after(() => detector.close());

const labels = async (bytes: Uint8Array) => (await detector.detect(bytes)).detections.map((d) => d.label);

test("darknet's photos give their known objects, boxes inside the image", async () => {
  const started = performance.now();
  const dog = await detector.detect(darknetImage("dog"));
  const firstMs = performance.now() - started;
  assert.equal(dog.width, 768);
  assert.equal(dog.height, 576);
  const found = dog.detections.map((d) => d.label);
  assert.ok(found.includes("dog") && found.includes("bicycle"), `dog.jpg: ${found.join(", ")}`);
  for (const { box, score } of dog.detections) {
    assert.ok(score >= 0.3 && score <= 1);
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 768 && box.y + box.height <= 576);
  }
  const timed = performance.now();
  assert.ok((await labels(darknetImage("person"))).includes("person"));
  assert.ok((await labels(darknetImage("horses"))).includes("horse"));
  assert.deepEqual(await labels(darknetImage("eagle")), ["bird"]);
  const perImage = (performance.now() - timed) / 3;
  console.log(
    `# first image (worker start, model load) ${firstMs.toFixed(0)} ms; then ${perImage.toFixed(0)} ms per image`,
  );
});

test("decoded pixels work as well as file bytes, and min_score and max_results apply", async () => {
  const bytes = darknetImage("horses");
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  const result = await detector.detect(
    { rgb: image.data, width: image.width, height: image.height },
    {
      minScore: 0.5,
      maxResults: 1,
    },
  );
  assert.equal(result.detections.length, 1);
  assert.equal(result.detections[0].label, "horse");
  assert.ok(result.detections[0].score >= 0.5);
});

const refusal = (code: string, pattern: RegExp) => (error: unknown) =>
  error instanceof DetectionError && error.code === code && pattern.test(error.message);

test("bad images are refused with the reason", async () => {
  await assert.rejects(
    detector.detect(Buffer.from("GIF89a\x01\x00\x01\x00")),
    refusal(
      "unsupported-format",
      /^unsupported image format: expected PNG or JPEG, the file starts with bytes 47 49 46 38$/,
    ),
  );
  await assert.rejects(
    detector.detect(new Uint8Array()),
    refusal("unsupported-format", /starts with bytes \(empty\)/),
  );
  await assert.rejects(
    detector.detect(darknetImage("dog").subarray(0, 3000)),
    refusal("undecodable", /^undecodable JPEG: /),
  );
  await assert.rejects(
    detector.detect(pngOf(600, 600), { maxPixels: 512 * 512 }),
    refusal("too-large", /the image is 600 x 600 = 360000 pixels; at most 262144 are accepted/),
  );
});

test("a run past its time limit is stopped, and the next run starts a fresh worker", async () => {
  await assert.rejects(
    detector.detect(darknetImage("dog"), { timeMs: 5 }),
    refusal("timeout", /^the detection took longer than 5 ms and was stopped$/),
  );
  assert.ok((await labels(darknetImage("dog"))).includes("dog"));
});

test("decodeDetections scales rows to the image, drops low scores and overlapping boxes", () => {
  const rows = [
    [0, 0, 256, 256, 0.9, 16],
    [0, 0, 250, 250, 0.8, 15], // the same object as a cat: suppressed
    [300, 300, 600, 400, 0.5, 0], // clipped to the image
    [10, 10, 20, 20, 0.1, 2], // below min score
    [10, 10, 20, 20, 0.9, Number.NaN],
  ];
  assert.deepEqual(decodeDetections(rows, { inputSize: 512, width: 1024, height: 512 }, 0.3, 10), [
    { label: "dog", score: 0.9, box: { x: 0, y: 0, width: 512, height: 256 } },
    { label: "person", score: 0.5, box: { x: 600, y: 300, width: 424, height: 100 } },
  ]);
  assert.equal(iou({ x: 0, y: 0, width: 2, height: 2 }, { x: 1, y: 0, width: 2, height: 2 }), 1 / 3);
});
