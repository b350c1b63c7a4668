import assert from "node:assert/strict";
import { test } from "node:test";
import { mediaPrompt, type VideoEmbeddings, withVideoTimestamps } from "../../src/decoding/media-prompt.js";
import type { MediaEmbeddings } from "../../src/engine/index.js";

const image = (nTokens: number): MediaEmbeddings => ({
  nTokens,
  embeddings: new Float32Array(nTokens),
  positions: new Int32Array(3 * nTokens),
  nPos: 1,
});
const IMG = 99;
const VID = 98;
const ids = { image: IMG, video: VID };
const shape = (parts: ReturnType<typeof mediaPrompt>["parts"]) =>
  parts.map((p) => ("tokens" in p ? Array.from(p.tokens) : p.media.nTokens));

test("each placeholder takes the next image, in order; rows count the images' rows", () => {
  const [a, b] = [image(4), image(6)];
  const { parts, rows } = mediaPrompt([1, 2, IMG, 3, IMG, IMG, 4], ids, [a, b, image(1)]);
  assert.deepEqual(shape(parts), [[1, 2], 4, [3], 6, 1, [4]]);
  assert.equal(rows, 4 + 4 + 6 + 1);
});

test("a video's groups take its video places in order, between images; rows count every group's rows", () => {
  const video: VideoEmbeddings = {
    groups: [
      { seconds: 0.25, block: image(3) },
      { seconds: 1.5, block: image(5) },
    ],
  };
  // an image, then the video written as <t> start PAD end <t> start PAD end, then another image
  const tokens = [1, IMG, 7, VID, 8, 9, VID, 8, IMG, 2];
  const { parts, rows } = mediaPrompt(tokens, ids, [image(2), video, image(4)]);
  assert.deepEqual(shape(parts), [[1], 2, [7], 3, [8, 9], 5, [8], 4, [2]]);
  assert.equal(rows, tokens.length - 4 + 2 + 3 + 5 + 4);
});

test("a prompt without media is one token part", () => {
  assert.deepEqual(mediaPrompt([5, 6], ids, []), { parts: [{ tokens: [5, 6] }], rows: 2 });
  assert.deepEqual(mediaPrompt([5, 6], { image: undefined, video: undefined }, []), {
    parts: [{ tokens: [5, 6] }],
    rows: 2,
  });
});

test("placeholders and media must match in number", () => {
  const video = (n: number): VideoEmbeddings => ({
    groups: Array.from({ length: n }, (_, k) => ({ seconds: k, block: image(2) })),
  });
  assert.throws(() => mediaPrompt([1, IMG], ids, []), /1 image place\(s\) but 0 image\(s\)/);
  assert.throws(() => mediaPrompt([1, 2], ids, [image(2)]), /0 image place\(s\) but 1 image\(s\)/);
  assert.throws(() => mediaPrompt([1, 2], { image: undefined, video: VID }, [image(2)]), /0 image place/);
  // the template's single video place, for a video of two groups: the part was written without timestamps
  assert.throws(
    () => mediaPrompt([1, VID], ids, [video(2)]),
    /1 video group place\(s\) but the videos have 2/,
  );
  assert.throws(() => mediaPrompt([VID, VID], ids, []), /2 video group place\(s\) but the videos have 0/);
});

test("withVideoTimestamps gives the n-th video part the n-th video's group seconds", () => {
  const video = (seconds: number[]): VideoEmbeddings => ({
    groups: seconds.map((s) => ({ seconds: s, block: image(1) })),
  });
  const messages = withVideoTimestamps(
    [
      { role: "user", content: [{ type: "video" }, { type: "image" }, { type: "text", text: "and" }] },
      { role: "assistant", content: "ok" },
      { role: "user", content: [{ type: "video" }] },
    ],
    [video([0.5, 1.5]), image(2), video([0.3])],
  );
  assert.deepEqual(messages[0].content, [
    { type: "video", timestamps: [0.5, 1.5] },
    { type: "image" },
    { type: "text", text: "and" },
  ]);
  assert.equal(messages[1].content, "ok");
  assert.deepEqual(messages[2].content, [{ type: "video", timestamps: [0.3] }]);
  const plain = [{ role: "user" as const, content: [{ type: "image" as const }] }];
  assert.equal(withVideoTimestamps(plain, [image(1)]), plain);
});
