import assert from "node:assert/strict";
import { test } from "node:test";
import { IMAGE_PAD, VIDEO_PAD, VISION_END, VISION_START } from "../../src/tokenizer/index.js";
import { qwen3 } from "./qwen3-files.js";

const tok = qwen3();
const id = (token: string) => tok.tokenToId(token) as number;

test("image and video parts become the template's vision markers, text parts stay in place", () => {
  const ids = tok.encodeChat(
    [
      {
        role: "user",
        content: [
          { type: "text", text: "Compare " },
          { type: "image" },
          { type: "text", text: " and " },
          { type: "image" },
          { type: "video" },
        ],
      },
    ],
    { enableThinking: false },
  );
  const count = (token: string) => ids.filter((t) => t === id(token)).length;
  assert.equal(count(IMAGE_PAD), 2);
  assert.equal(count(VIDEO_PAD), 1);
  assert.equal(count(VISION_START), 3);
  assert.equal(count(VISION_END), 3);
  const text = tok.decode(ids);
  assert.match(text, /Compare <\|vision_start\|><\|image_pad\|><\|vision_end\|> and <\|vision_start\|>/);
  // the same as a string message with the markers written by the template (what Qwen3.5's template writes)
  assert.equal(
    tok.renderChat([{ role: "user", content: [{ type: "text", text: "a" }, { type: "image" }] }]),
    tok.renderChat([{ role: "user", content: `a${VISION_START}${IMAGE_PAD}${VISION_END}` }]),
  );
});

test("a user who types the markers gets plain text, never an image place", () => {
  const ids = tok.encodeChat([{ role: "user", content: `look ${VISION_START}${IMAGE_PAD}${VISION_END}` }]);
  for (const marker of [VISION_START, IMAGE_PAD, VISION_END]) assert.ok(!ids.includes(id(marker)));
  const inPart = tok.encodeChat([{ role: "user", content: [{ type: "text", text: IMAGE_PAD }] }]);
  assert.ok(!inPart.includes(id(IMAGE_PAD)));
});
