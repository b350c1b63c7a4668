/**
 * `rio serve`'s image and video input end to end with the real vision encoder (libmtmd on a tiny Qwen3.5
 * vision tower, sized by its HF processor settings), through the openai client.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { loadPreprocessorConfig, makeTinyModel } from "../../src/checkpoint/index.js";
import { createEngine, loadModel, type RioModel, Scheduler } from "../../src/engine/index.js";
import { type RioServer, startServer } from "../../src/server/index.js";
import { type ImageEncoder, imageSizingOf, openImageEncoder } from "../../src/vision/index.js";
import { pngOf } from "../vision/images.js";
import { greyClip } from "../vision/videos.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-vision-server-"));
const dir = path.join(root, "hf");
let model: RioModel;
let encoder: ImageEncoder;
let scheduler: Scheduler;
let server: RioServer;
let client: OpenAI;
before(async () => {
  makeTinyModel({ arch: "qwen3_5", out: dir, seed: 4, vision: true });
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  model = loadModel(dir, { quant: "f16" });
  encoder = await openImageEncoder({
    mmprojPath: model.mmproj as string,
    model: model.llama,
    sizing: imageSizingOf(loadPreprocessorConfig(dir)),
  });
  scheduler = new Scheduler(createEngine(model, { ctx: 2048, maxSequences: 2 }));
  server = await startServer({
    model,
    scheduler,
    modelName: "tiny",
    port: 0,
    logger: false,
    vision: { encoder },
  });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "none", maxRetries: 0 });
});
after(async () => {
  await server.close(0);
  encoder.close();
  scheduler.engine.close();
  model.free();
  fs.rmSync(root, { recursive: true, force: true });
});

const dataUrl = (mime: string, bytes: Uint8Array) =>
  `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
const textTokens = (content: { type: "text"; text: string } | { type: "image" } | { type: "video" }) =>
  model.tokenizer.encodeChat([{ role: "user", content: [content, { type: "text", text: "Describe." }] }])
    .length;

test("a PNG through the real encoder: the server answers and counts its rows", async () => {
  const r = await client.chat.completions.create({
    model: "tiny",
    max_tokens: 2,
    messages: [
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: dataUrl("image/png", pngOf(128, 64)) } },
          { type: "text", text: "Describe." },
        ],
      },
    ],
  });
  assert.equal(r.choices[0].finish_reason, "length");
  // 128 x 64: a 2 x 4 grid of merged patches, 8 rows in place of the one placeholder
  assert.equal(r.usage?.prompt_tokens, textTokens({ type: "image" }) - 1 + 8);
});

test("a short video through the real encoder: each frame pair is one group of rows after its timestamp", async () => {
  // 2 s at 4 fps, 128 x 64: 4 frames sampled (2 per second), 2 groups of 2 x 4 rows
  const clip = greyClip({ frames: 8, fps: 4, width: 128, height: 64 });
  const r = await client.chat.completions.create({
    model: "tiny",
    max_tokens: 2,
    messages: [
      {
        role: "user",
        content: [
          { type: "video_url", video_url: { url: dataUrl("video/mp4", clip) } },
          { type: "text", text: "Describe." },
        ],
      } as OpenAI.ChatCompletionUserMessageParam,
    ],
  });
  assert.equal(r.choices[0].finish_reason, "length");
  // the template's <|vision_start|><|video_pad|><|vision_end|> becomes, per group, "<t seconds>" text,
  // <|vision_start|>, the group's 8 rows and <|vision_end|>
  // frames 0, 2, 5, 7 of 8 at 4 fps: groups (0, 2) and (5, 7) at 0.25 s ("0.2", Python rounds halves to even) and 1.5 s
  const groups = ["<0.2 seconds>", "<1.5 seconds>"];
  const framed = groups.reduce((n, seconds) => n + model.tokenizer.encode(seconds).length + 2 + 8, 0);
  assert.equal(r.usage?.prompt_tokens, textTokens({ type: "video" }) - 3 + framed);
});
