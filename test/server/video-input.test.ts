/**
 * Video parts through the real server and the openai client: a clip made here with ffmpeg, sent as a data
 * URL, sampled at 2 frames a second and encoded one temporal group (2 frames) at a time; the prompt is the
 * HF processor's video form (a timestamp, vision start, the group's rows, vision end per group). The
 * vision encoder is a stand-in behind the ImageEncoder interface (a 32-pixel grid of rows, as in
 * image-input.test.ts), so every count is known; test/vision checks the real one.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type OpenAI from "openai";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import type { VideoInputOptions } from "../../src/server/index.js";
import { pngOf } from "../vision/images.js";
import { greyClip } from "../vision/videos.js";
import { gridEncoder } from "./grid-encoder.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
/** Each encoder call: the frames it got and their size. */
const calls: string[] = [];
const video: VideoInputOptions = { maxSeconds: 3 };

const standIn = () => gridEncoder(() => t.model, 300, calls);

const dataUrl = (mime: string, bytes: Uint8Array) =>
  `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
const videoPart = (bytes: Uint8Array) => ({
  type: "video_url",
  video_url: { url: dataUrl("video/mp4", bytes) },
});

describe("video input", () => {
  before(async () => {
    t = await startTinyServer({
      makeModel: (out) => makeTinyModel({ arch: "qwen3_5", out, seed: 7 }),
      vision: { encoder: standIn(), video },
    });
  });
  after(() => t?.close());

  type Part = OpenAI.ChatCompletionContentPart;
  const ask = (content: unknown[]) =>
    t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: [{ role: "user", content: content as Part[] }],
      max_tokens: 3,
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
  /** Prompt tokens of the message with each video as the template's one `<|vision_start|><|video_pad|><|vision_end|>`. */
  const templateTokens = (text: string) =>
    t.model.tokenizer.encodeChat([{ role: "user", content: [{ type: "video" }, { type: "text", text }] }], {
      enableThinking: false,
    }).length;
  const tokensOf = (text: string) => t.model.tokenizer.encode(text).length;

  it("a short clip as a data URL: the prompt counts text, timestamps, markers and every group's rows", async () => {
    calls.length = 0;
    // 12 frames at 6 fps, 80 x 48: 4 frames sampled (source frames 0, 4, 7, 11) at 64 x 64, two groups
    const clip = greyClip({ frames: 12, fps: 6, width: 80, height: 48 });
    const r = await ask([videoPart(clip), { type: "text", text: "What happens?" }]);
    assert.deepEqual(calls, ["2 frames 64x64", "2 frames 64x64"]);
    // the template's 3 markers become, per group, "<t seconds>" + vision start + 2 x 2 rows + vision end;
    // groups at (0/6 + 4/6) / 2 = 0.33 s and (7/6 + 11/6) / 2 = 1.5 s (after "\n", the timestamps
    // tokenize on their own)
    const group = (seconds: string) => tokensOf(`<${seconds} seconds>`) + 2 + 4;
    assert.equal(r.usage?.prompt_tokens, templateTokens("What happens?") - 3 + group("0.3") + group("1.5"));
    assert.equal(r.choices[0].finish_reason, "length");
  });

  it("an odd last frame is a group of its own; images and videos share a message in order", async () => {
    calls.length = 0;
    // 5 frames at 2 fps: all 5 sampled, groups (0, 1), (2, 3), (4)
    const clip = greyClip({ frames: 5, fps: 2, width: 64, height: 64 });
    const r = await ask([
      { type: "image_url", image_url: { url: dataUrl("image/png", pngOf(96, 64)) } },
      videoPart(clip),
      { type: "text", text: "Same?" },
    ]);
    assert.deepEqual(calls, ["image 96x64", "2 frames 64x64", "2 frames 64x64", "1 frames 64x64"]);
    const stamped = t.model.tokenizer.encodeChat(
      [
        {
          role: "user",
          content: [
            { type: "image" },
            { type: "video", timestamps: [0.25, 1.25, 2] },
            { type: "text", text: "Same?" },
          ],
        },
      ],
      { enableThinking: false },
    );
    // each placeholder (1 image pad, 3 video pads) becomes its rows: 2 x 3 for the image, 2 x 2 per group
    assert.equal(r.usage?.prompt_tokens, stamped.length - 4 + 6 + 3 * 4);
  });

  it("refuses a file that is not a video, a video beyond the limits, and too many videos, naming the part", async () => {
    const clip = greyClip({ frames: 8, fps: 2, width: 32, height: 32 }); // 4 s, over maxSeconds 3
    const cases: [unknown[], string, string, RegExp][] = [
      [[videoPart(pngOf(32, 32))], "messages[0].content[0]", "invalid_video", /not a video/],
      [
        [{ type: "text", text: "see" }, videoPart(clip)],
        "messages[0].content[1]",
        "video_too_long",
        /4\.0 s; at most 3 s/,
      ],
      [
        [{ type: "video_url", video_url: "file:///etc/passwd" }],
        "messages[0].content[0].video_url.url",
        "",
        /data URL or an http\(s\) URL/,
      ],
      [
        Array.from({ length: 3 }, () => videoPart(clip)),
        "messages",
        "",
        /3 videos in one request; at most 2/,
      ],
    ];
    for (const [content, param, code, message] of cases) {
      const r = await t.post("/v1/chat/completions", {
        messages: [{ role: "user", content }],
        max_tokens: 1,
      });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.param, param);
      if (code) assert.equal(r.body.error.code, code);
      assert.match(r.body.error.message, message);
    }
  });

  it("without ffmpeg, or with videos turned off, the server says it cannot take videos", async () => {
    const clip = greyClip({ frames: 4, fps: 2, width: 32, height: 32 });
    const body = { messages: [{ role: "user", content: [videoPart(clip)] }], max_tokens: 1 };
    video.ffprobe = "/nonexistent/ffprobe"; // the server reads its VisionOptions per request
    try {
      const r = await t.post("/v1/chat/completions", body);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, "video_unsupported");
      assert.match(r.body.error.message, /ffprobe was not found: reading videos needs ffmpeg/);
    } finally {
      delete video.ffprobe;
    }
    const off = await startTinyServer({
      makeModel: (out) => makeTinyModel({ arch: "qwen3_5", out, seed: 7 }),
      vision: { encoder: standIn(), video: false },
    });
    const plain = await startTinyServer();
    try {
      const r = await off.post("/v1/chat/completions", body);
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, "video_unsupported");
      const none = await plain.post("/v1/chat/completions", body);
      assert.equal(none.status, 400);
      assert.match(none.body.error.message, /no vision encoder, so it takes no images or videos/);
    } finally {
      await off.close();
      await plain.close();
    }
  });
});
