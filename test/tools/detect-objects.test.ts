/**
 * The detect_objects tool through the ToolRunner, as the agent loop calls it: darknet's dog photo over
 * http (loopback allowed explicitly) gives a text listing with the dog; bad images and refused URLs are
 * error results, never throws.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { ToolRunner } from "../../src/agent/index.js";
import { centernetDetector, type DetectionResult } from "../../src/detection/index.js";
import { builtinTools, detectObjectsTool } from "../../src/tools/index.js";
import { darknetImage } from "../detection/darknet-images.js";

const detector = centernetDetector();
const runner = new ToolRunner([detectObjectsTool({ detector, allowCidrs: ["127.0.0.1/32"] })]);
let imageServer: http.Server;
let base: string;
before(async () => {
  imageServer = http.createServer((req, res) =>
    req.url === "/dog.jpg" ? res.end(darknetImage("dog")) : res.end("not an image"),
  );
  await new Promise<void>((resolve) => imageServer.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
});
after(async () => {
  imageServer.close();
  await runner.close();
  await detector.close();
});

const call = (args: unknown) =>
  runner.run(
    { id: "call_1", name: "detect_objects", arguments: JSON.stringify(args) },
    new AbortController().signal,
  );

test("the dog photo: a listing with the dog, and the same in data", async () => {
  const run = await call({ image: `${base}/dog.jpg` });
  assert.equal(run.outcome, "ok", run.result.text);
  assert.match(run.result.text, /^\d+ objects in the 768 x 576 image/);
  assert.match(run.result.text, /\n- dog 0\.\d\d: x \d+, y \d+, width \d+, height \d+/);
  const data = run.result.data as DetectionResult;
  assert.ok(data.detections.some((d) => d.label === "dog"));
});

test("bad input is an error result with the reason", async () => {
  const text = await call({ image: `${base}/page.html` });
  assert.equal(text.outcome, "error");
  assert.match(text.result.text, /^detect_objects: unsupported image format: expected PNG or JPEG/);
  const local = await call({ image: "/etc/passwd" });
  assert.equal(local.outcome, "error");
  assert.match(local.result.text, /^image: expected a data URL or an http\(s\) URL/);
  const badArgs = await call({ image: `${base}/dog.jpg`, max_results: 0 });
  assert.match(badArgs.result.text, /^invalid arguments for detect_objects: max_results/);
});

test("the registry makes it by name; its URLs follow the fetch policy (private ones refused)", async () => {
  const [tool] = builtinTools(["detect_objects"]);
  assert.equal(tool.name, "detect_objects");
  const run = await new ToolRunner([tool]).run(
    { id: "call_2", name: "detect_objects", arguments: JSON.stringify({ image: `${base}/dog.jpg` }) },
    new AbortController().signal,
  );
  assert.equal(run.outcome, "error");
  assert.match(run.result.text, /^image: .*127\.0\.0\.1/);
  await tool.close();
});
