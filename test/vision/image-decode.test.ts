import assert from "node:assert/strict";
import { test } from "node:test";
import jpeg from "jpeg-js";
import { decodeImage, ImageInputError } from "../../src/vision/image-decode.js";
import { card, pngOf } from "./images.js";

test("a PNG decodes to its exact RGB pixels, alpha dropped", () => {
  const image = decodeImage(pngOf(5, 3));
  assert.deepEqual([image.width, image.height], [5, 3]);
  const rgba = card(5, 3);
  for (let i = 0; i < 15; i++)
    assert.deepEqual([...image.rgb.subarray(3 * i, 3 * i + 3)], [...rgba.subarray(4 * i, 4 * i + 3)]);
});

test("a JPEG decodes to RGB close to what was encoded (lossy at quality 100)", () => {
  const [width, height] = [16, 8];
  const data = Buffer.alloc(width * height * 4, 255);
  for (let i = 0; i < width * height; i++) data.set([100 + (i % 16) * 4, 80, 60], 4 * i); // smooth ramp
  const image = decodeImage(jpeg.encode({ data, width, height }, 100).data);
  assert.deepEqual([image.width, image.height], [width, height]);
  let worst = 0;
  for (let i = 0; i < width * height; i++)
    for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(image.rgb[3 * i + c] - data[4 * i + c]));
  assert.ok(worst <= 8, `largest channel error ${worst}`); // JPEG's 8-bit DCT rounding on a smooth ramp
});

test("bad images are refused with what was wrong", () => {
  const refused = (bytes: Uint8Array, code: string, message: RegExp) =>
    assert.throws(
      () => decodeImage(bytes, 1000),
      (e: unknown) => e instanceof ImageInputError && e.code === code && message.test(e.message),
    );
  refused(
    Buffer.from("GIF89a........"),
    "undecodable",
    /not a PNG or JPEG image \(it starts with bytes 47 49 46 38\)/,
  );
  refused(pngOf(4, 4).subarray(0, 40), "undecodable", /undecodable PNG/);
  refused(pngOf(40, 30), "too-large", /40 x 30 = 1200 pixels; at most 1000/);
  // a header that claims a huge image is refused before decoding
  const liar = pngOf(2, 2);
  liar.writeUInt32BE(100000, 16);
  liar.writeUInt32BE(100000, 20);
  refused(liar, "too-large", /100000 x 100000/);
  refused(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), "undecodable", /undecodable JPEG/);
});
