import assert from "node:assert/strict";
import { test } from "node:test";
import { mediaPrompt } from "../../src/decoding/media-prompt.js";
import type { MediaEmbeddings } from "../../src/engine/index.js";

const image = (nTokens: number): MediaEmbeddings => ({
  nTokens,
  embeddings: new Float32Array(nTokens),
  positions: new Int32Array(3 * nTokens),
  nPos: 1,
});

test("each placeholder takes the next image, in order; rows count the images' rows", () => {
  const [a, b] = [image(4), image(6)];
  const { parts, rows } = mediaPrompt([1, 2, 99, 3, 99, 99, 4], 99, [a, b, image(1)]);
  assert.deepEqual(
    parts.map((p) => ("tokens" in p ? Array.from(p.tokens) : p.media.nTokens)),
    [[1, 2], 4, [3], 6, 1, [4]],
  );
  assert.equal(rows, 4 + 4 + 6 + 1);
});

test("a prompt without images is one token part", () => {
  assert.deepEqual(mediaPrompt([5, 6], 99, []), { parts: [{ tokens: [5, 6] }], rows: 2 });
  assert.deepEqual(mediaPrompt([5, 6], undefined, []), { parts: [{ tokens: [5, 6] }], rows: 2 });
});

test("placeholders and images must match in number", () => {
  assert.throws(() => mediaPrompt([1, 99], 99, []), /1 image place\(s\) but 0 image\(s\)/);
  assert.throws(() => mediaPrompt([1, 2], 99, [image(2)]), /0 image place\(s\) but 1 image\(s\)/);
  assert.throws(() => mediaPrompt([1, 2], undefined, [image(2)]), /0 image place/);
});
