import assert from "node:assert/strict";
import { test } from "node:test";
import {
  formatSeconds,
  IMAGE_PAD,
  VIDEO_PAD,
  VISION_END,
  VISION_START,
  videoMarkers,
} from "../../src/tokenizer/index.js";
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

test("seconds are written as Python's f'{t:.1f}' writes them (ties to even)", () => {
  // expected strings from CPython 3.11: f"{x:.1f}"
  const cases: [number, string][] = [
    [0, "0.0"],
    [0.25, "0.2"],
    [0.75, "0.8"],
    [1.25, "1.2"],
    [2.75, "2.8"],
    [0.35, "0.3"],
    [1.45, "1.4"],
    [0.05, "0.1"],
    [1 / 3, "0.3"],
    [2.5599999999999996, "2.6"],
    [59.95, "60.0"],
    [12.25, "12.2"],
  ];
  for (const [x, text] of cases) assert.equal(formatSeconds(x), text, String(x));
});

/** Tokens as HF's tokenizer gives them: split at the added tokens, each text piece BPE-encoded. */
const hfEncode = (text: string) =>
  text
    .split(/(<\|[a-z_]+\|>|<\/?think>)/)
    .flatMap((piece, i) => (i % 2 === 1 ? [id(piece)] : piece ? tok.encode(piece) : []));

test("a video part with timestamps is written as Qwen3VLProcessor expands the template's video markers", () => {
  const content = (video: { type: "video"; timestamps?: number[] }) => [
    { type: "text" as const, text: "What happens?" },
    video,
  ];
  const stamped = [{ role: "user" as const, content: content({ type: "video", timestamps: [0.25, 1.5] }) }];
  const plain = [{ role: "user" as const, content: content({ type: "video" }) }];
  // processing_qwen3_vl.py: the template's <|vision_start|><|video_pad|><|vision_end|> becomes, per
  // temporal group, f"<{t:.1f} seconds>" + <|vision_start|> + pads + <|vision_end|> (one pad per group here)
  const hf = tok
    .renderChat(plain, { enableThinking: false })
    .replace(
      `${VISION_START}${VIDEO_PAD}${VISION_END}`,
      `<0.2 seconds>${VISION_START}${VIDEO_PAD}${VISION_END}<1.5 seconds>${VISION_START}${VIDEO_PAD}${VISION_END}`,
    );
  assert.equal(tok.renderChat(stamped, { enableThinking: false }), hf);
  assert.equal(
    videoMarkers([0.25, 1.5]),
    hf.slice(hf.indexOf("<0.2"), hf.lastIndexOf(VISION_END) + VISION_END.length),
  );
  // the timestamp is tokenized with the text before it, as HF tokenizes the expanded text ("?<" is one token)
  const ids = tok.encodeChat(stamped, { enableThinking: false });
  assert.deepEqual(ids, hfEncode(hf));
  assert.ok(ids.includes(tok.encode("?<")[0]) && tok.encode("?<").length === 1);
  assert.equal(ids.filter((t) => t === id(VIDEO_PAD)).length, 2);
});
