/**
 * POST /v1/rio/detections on the real server with the shipped CenterNet detector: darknet's dog photo
 * as a data URL and over http (loopback allowed explicitly), each bad input a 400 with its message and
 * code, and a batch of corrupt files leaves the server answering.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { centernetDetector } from "../../src/detection/index.js";
import { darknetImage } from "../detection/darknet-images.js";
import { pngOf } from "../vision/images.js";
import { startTinyServer, type TinyServer } from "./tiny-server.js";

const detector = centernetDetector();
let t: TinyServer;
let imageServer: http.Server;
let dogUrl: string;
before(async () => {
  t = await startTinyServer({
    detection: {
      detector,
      maxImageBytes: 300_000,
      maxImagePixels: 1024 * 1024,
      fetch: { allowCidrs: ["127.0.0.1/32"] },
    },
  });
  imageServer = http.createServer((_req, res) => res.end(darknetImage("dog")));
  await new Promise<void>((resolve) => imageServer.listen(0, "127.0.0.1", resolve));
  dogUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/dog.jpg`;
});
after(async () => {
  imageServer.close();
  await t.close();
  await detector.close();
});

const dataUrl = (mime: string, bytes: Uint8Array) =>
  `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;

/** A small PNG whose header claims width x height: refused before any pixel is decoded. */
function claimingSize(width: number, height: number): Buffer {
  const png = Buffer.from(pngOf(4, 4));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

interface DetectionBody {
  model: string;
  width: number;
  height: number;
  detections: {
    label: string;
    score: number;
    box: { x: number; y: number; width: number; height: number };
  }[];
}

test("darknet's dog photo, as a data URL and over http, gives a dog", async () => {
  const res = await t.post("/v1/rio/detections", { image: dataUrl("image/jpeg", darknetImage("dog")) });
  assert.equal(res.status, 200);
  const body = res.body as unknown as DetectionBody;
  assert.match(body.model, /^centernet-coco/);
  assert.deepEqual([body.width, body.height], [768, 576]);
  const dog = body.detections.find((d) => d.label === "dog");
  assert.ok(dog, JSON.stringify(body.detections));
  // the dog sits in the lower left of the photo
  assert.ok(dog.box.x < 200 && dog.box.y > 150 && dog.box.height > 200, JSON.stringify(dog));
  const fetched = await t.post("/v1/rio/detections", { image: dogUrl, min_score: 0.45, max_results: 1 });
  assert.equal(fetched.status, 200);
  assert.deepEqual(
    (fetched.body as unknown as DetectionBody).detections.map((d) => d.label),
    ["car"],
  );
});

const cases: [string, unknown, string, string][] = [
  [
    "unsupported format",
    { image: dataUrl("image/gif", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;")) },
    "unsupported_image_format",
    "image: unsupported image format: expected PNG or JPEG, the file starts with bytes 47 49 46 38",
  ],
  [
    "corrupt JPEG",
    { image: dataUrl("image/jpeg", darknetImage("dog").subarray(0, 2000)) },
    "invalid_image",
    "image: undecodable JPEG: ",
  ],
  [
    "corrupt PNG",
    { image: dataUrl("image/png", pngOf(64, 64).subarray(0, 60)) },
    "invalid_image",
    "image: undecodable PNG: ",
  ],
  [
    "too many bytes",
    { image: dataUrl("image/jpeg", Buffer.alloc(400_000, 0xff)) },
    "image_too_large",
    "image: the image is larger than 300000 bytes",
  ],
  [
    "too many pixels",
    { image: dataUrl("image/png", claimingSize(1100, 1000)) },
    "image_too_large",
    "image: the image is 1100 x 1000 = 1100000 pixels; at most 1048576 are accepted",
  ],
  [
    "not base64",
    { image: "data:image/png,abc" },
    null as unknown as string,
    'image: a data URL must be base64 (";base64,")',
  ],
  [
    "not a data or http URL",
    { image: "file:///etc/passwd" },
    null as unknown as string,
    'image: expected a data URL or an http(s) URL, got "file:///etc/passwd"',
  ],
  ["bad min_score", { image: "data:image/png;base64,AA==", min_score: 2 }, "invalid_value", "min_score: "],
];

for (const [name, body, code, message] of cases)
  test(`400: ${name}`, async () => {
    const res = await t.post("/v1/rio/detections", body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, code);
    assert.equal(res.body.error.type, "invalid_request_error");
    assert.ok(res.body.error.message.startsWith(message), res.body.error.message);
  });

test("400: a private address is refused unless allowed", async () => {
  const res = await t.post("/v1/rio/detections", { image: "http://10.0.0.1/x.png" });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, "image_fetch_failed");
});

test("a batch of corrupt files: every one a 400, the server stays up and still detects", async () => {
  const dog = darknetImage("dog");
  const corrupt = Array.from({ length: 24 }, (_, i) => {
    const bytes = Buffer.from(dog.subarray(0, 1000 + i * 500));
    if (i % 3 === 1) bytes.fill(0x55, 200); // a JPEG header over garbage
    if (i % 3 === 2) return dataUrl("image/png", Buffer.concat([pngOf(32, 32).subarray(0, 33), bytes]));
    return dataUrl("image/jpeg", bytes);
  });
  const results = await Promise.all(corrupt.map((image) => t.post("/v1/rio/detections", { image })));
  for (const res of results) {
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, "invalid_image");
  }
  assert.equal((await fetch(`${t.server.url}/health`)).status, 200);
  const res = await t.post("/v1/rio/detections", { image: dataUrl("image/jpeg", dog) });
  assert.equal(res.status, 200);
  assert.ok((res.body as unknown as DetectionBody).detections.some((d) => d.label === "dog"));
});
