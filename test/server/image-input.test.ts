/**
 * Image parts through the real server and the openai client: data URLs (PNG, JPEG), several images in one
 * message, URLs under the address policy, and the 400s. The vision encoder here is a stand-in behind the
 * ImageEncoder interface (a 32-pixel grid of token rows, as Qwen3.5's 16-pixel patches merged 2 x 2 give);
 * the real one is checked against the float64 reference in test/conformance.
 */
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import jpeg from "jpeg-js";
import type OpenAI from "openai";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { pngOf } from "../vision/images.js";
import { gridEncoder } from "./grid-encoder.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
const encoded: string[] = [];
const standIn = () => gridEncoder(() => t.model, 200, encoded);

// Qwen3.5's text model (M-RoPE): the grid positions are what llama.cpp gets for an image
const qwen3_5 = (out: string) => makeTinyModel({ arch: "qwen3_5", out, seed: 7 });

let imageServer: http.Server;
let imageUrl: string;
before(async () => {
  t = await startTinyServer({
    makeModel: qwen3_5,
    vision: { encoder: standIn(), maxImages: 3, maxImagePixels: 512 * 512 },
  });
  imageServer = http.createServer((_req, res) => res.end(pngOf(64, 64)));
  await new Promise<void>((resolve) => imageServer.listen(0, "127.0.0.1", resolve));
  imageUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/cat.png`;
});
after(async () => {
  imageServer.close();
  await t.close();
});

const dataUrl = (mime: string, bytes: Uint8Array) =>
  `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
const png = (w: number, h: number) => dataUrl("image/png", pngOf(w, h));
const jpg = (w: number, h: number) =>
  dataUrl("image/jpeg", jpeg.encode({ data: Buffer.alloc(w * h * 4, 90), width: w, height: h }, 90).data);

type Part = OpenAI.ChatCompletionContentPart;
const ask = (content: Part[]) =>
  t.client.chat.completions.create({
    model: MODEL_NAME,
    messages: [{ role: "user", content }],
    max_tokens: 3,
    chat_template_kwargs: { enable_thinking: false },
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);

/** Prompt tokens of the same message with each image as its one placeholder. */
const textPromptTokens = (text: string, images: number) =>
  t.model.tokenizer.encodeChat(
    [
      {
        role: "user",
        content: [
          { type: "text", text },
          ...Array.from({ length: images }, () => ({ type: "image" as const })),
        ],
      },
    ],
    { enableThinking: false },
  ).length;

test("a PNG and a JPEG as data URLs, two images in one message: the prompt counts every image row", async () => {
  encoded.length = 0;
  const r = await ask([
    { type: "text", text: "What differs?" },
    { type: "image_url", image_url: { url: png(96, 64) } },
    { type: "image_url", image_url: { url: jpg(64, 64) } },
  ]);
  assert.deepEqual(encoded, ["image 96x64", "image 64x64"]);
  // 96 x 64 is a 2 x 3 grid (6 rows), 64 x 64 a 2 x 2 grid (4 rows); each replaces one placeholder
  assert.equal(r.usage?.prompt_tokens, textPromptTokens("What differs?", 2) - 2 + 6 + 4);
  assert.equal(r.choices[0].finish_reason, "length");
});

test("Responses input_image parts: the image is encoded, counted, and encoded again for a follow-up turn", async () => {
  encoded.length = 0;
  const first = await t.client.responses.create({
    model: MODEL_NAME,
    input: [
      {
        role: "user",
        content: [
          { type: "input_text", text: "What differs?" },
          { type: "input_image", image_url: png(96, 64), detail: "auto" },
        ],
      },
    ],
    max_output_tokens: 3,
    reasoning: { effort: "none" },
  });
  assert.deepEqual(encoded, ["image 96x64"]);
  assert.equal(first.usage?.input_tokens, textPromptTokens("What differs?", 1) - 1 + 6);
  const next = await t.client.responses.create({
    model: MODEL_NAME,
    input: "And now?",
    previous_response_id: first.id,
    max_output_tokens: 3,
    reasoning: { effort: "none" },
  });
  // the stored turn keeps the image as sent; the template places it again, so it is encoded again
  assert.deepEqual(encoded, ["image 96x64", "image 96x64"]);
  assert.ok((next.usage?.input_tokens ?? 0) > (first.usage?.input_tokens ?? 0));
  const refusals: [unknown, string, RegExp][] = [
    [
      { type: "input_image", file_id: "file-1", detail: "auto" },
      "input[0].content[1].image_url",
      /no Files API/,
    ],
    [
      { type: "input_image", image_url: imageUrl, detail: "auto" },
      "input[0].content[1].image_url",
      /loopback/,
    ],
    [{ type: "input_image", image_url: png(1024, 1024) }, "input[0].content[1]", /at most 262144/],
  ];
  for (const [part, param, message] of refusals) {
    const r = await t.post("/v1/responses", {
      input: [{ role: "user", content: [{ type: "input_text", text: "Look:" }, part] }],
      max_output_tokens: 1,
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.param, param);
    assert.match(r.body.error.message, message);
  }
});

test("an http image URL is fetched only where the address policy allows", async () => {
  const refused = await t.post("/v1/chat/completions", {
    messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: imageUrl } }] }],
    max_tokens: 1,
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error.param, "messages[0].content[0].image_url.url");
  assert.match(refused.body.error.message, /loopback/);
  const allowed = await startTinyServer({
    makeModel: qwen3_5,
    vision: { encoder: standIn(), fetch: { allowCidrs: ["127.0.0.1/32"] } },
  });
  try {
    const r = await allowed.post("/v1/chat/completions", {
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: imageUrl } }] }],
      max_tokens: 1,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  } finally {
    await allowed.close();
  }
});

test("bad image input gets a 400 naming the part", async () => {
  const cases: [unknown[], string, RegExp][] = [
    [
      [{ type: "image_url", image_url: { url: "data:image/png;base64,aGVsbG8=" } }],
      "messages[0].content[0]",
      /not a PNG or JPEG/,
    ],
    [
      [{ type: "image_url", image_url: { url: png(1024, 1024) } }],
      "messages[0].content[0]",
      /1048576 pixels; at most 262144/,
    ],
    [
      [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }],
      "messages[0].content[0].image_url.url",
      /data URL or an http\(s\) URL/,
    ],
    [
      Array.from({ length: 4 }, () => ({ type: "image_url", image_url: { url: png(32, 32) } })),
      "messages",
      /4 images in one request; at most 3/,
    ],
    [
      [{ type: "video_url", video_url: { url: "data:video/mp4;base64,AAAA" } }],
      "messages[0].content[0]",
      /video/,
    ],
  ];
  for (const [content, param, message] of cases) {
    const r = await t.post("/v1/chat/completions", { messages: [{ role: "user", content }], max_tokens: 1 });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.param, param);
    assert.match(r.body.error.message, message);
  }
});

test("a server without a vision encoder or OCR refuses images and still takes text parts", async () => {
  const plain = await startTinyServer({ documents: false });
  try {
    const r = await plain.post("/v1/chat/completions", {
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: png(32, 32) } }] }],
      max_tokens: 1,
    });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /no vision encoder/);
    const response = await plain.post("/v1/responses", {
      input: [{ role: "user", content: [{ type: "input_image", image_url: png(32, 32) }] }],
      max_output_tokens: 1,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.param, "input[0].content[0]");
    assert.match(response.body.error.message, /no vision encoder/);
    const text = await plain.post("/v1/chat/completions", {
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      max_tokens: 1,
    });
    assert.equal(text.status, 200);
  } finally {
    await plain.close();
  }
});
