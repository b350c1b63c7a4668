/**
 * Speech to text through the real server: espeak-ng speech sent with the openai client's
 * audio.transcriptions.create (pocketsphinx, word overlap and error rate reported), every response format,
 * chat's input_audio parts, and each refusal with its status and message; a batch of corrupt files leaves
 * the server up.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type OpenAI from "openai";
import { toFile } from "openai";
import { createPocketsphinx, createWhisper } from "../../src/audio/index.js";
import { convertAudio, SENTENCES, sharedWords, speechWav, wordErrors } from "../audio/speech.js";
import { MODEL_NAME, startTinyServer, type TinyServer } from "./tiny-server.js";

let t: TinyServer;
const sentence = SENTENCES[1];
const wav = speechWav(sentence);

/** POSTs a multipart form and returns status and the parsed (or raw) body. */
async function postForm(fields: Record<string, string>, file?: { bytes: Uint8Array; name: string }) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append("file", new Blob([new Uint8Array(file.bytes)]), file.name);
  const res = await fetch(`${t.server.url}/v1/audio/transcriptions`, { method: "POST", body: form });
  const text = await res.text();
  return {
    status: res.status,
    body: text.startsWith("{") ? JSON.parse(text) : text,
    type: res.headers.get("content-type"),
  };
}

describe("audio input", () => {
  before(async () => {
    t = await startTinyServer({
      audio: { transcriber: createPocketsphinx(), maxSeconds: 8, maxBytes: 1 << 20 },
    });
  });
  after(() => t?.close());

  it("an espeak-ng sentence through audio.transcriptions.create shares >= 70% of its words", async () => {
    const r = await t.client.audio.transcriptions.create({
      file: await toFile(wav, "speech.wav"),
      model: "whisper-1",
      language: "en",
    });
    const { edits, words } = wordErrors(sentence, r.text);
    console.log(
      `  "${sentence}" -> "${r.text}": ${(100 * sharedWords(sentence, r.text)).toFixed(0)}% shared, WER ${((100 * edits) / words).toFixed(1)}%`,
    );
    assert.ok(sharedWords(sentence, r.text) >= 0.7, r.text);
  });

  it("MP3, FLAC and OGG files, in every response format", async () => {
    const text = await t.client.audio.transcriptions.create({
      file: await toFile(convertAudio(wav, "mp3"), "speech.mp3"),
      model: "whisper-1",
      response_format: "text",
    });
    assert.ok(sharedWords(sentence, text) >= 0.7, text);
    const verbose = await t.client.audio.transcriptions.create({
      file: await toFile(convertAudio(wav, "flac"), "speech.flac"),
      model: "whisper-1",
      response_format: "verbose_json",
      timestamp_granularities: ["word", "segment"],
    });
    assert.equal(verbose.language, "en");
    assert.ok(verbose.duration > 1 && verbose.duration < 5);
    assert.equal(verbose.segments?.length, 1);
    assert.ok((verbose.words?.length ?? 0) >= 4);
    const ogg = { bytes: convertAudio(wav, "ogg"), name: "speech.ogg" };
    const srt = await postForm({ model: "whisper-1", response_format: "srt" }, ogg);
    assert.equal(srt.status, 200);
    assert.match(srt.body, /^1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\n.+\n$/);
    const vtt = await postForm({ model: "whisper-1", response_format: "vtt" }, ogg);
    assert.match(vtt.type ?? "", /^text\/vtt/);
    assert.match(vtt.body, /^WEBVTT\n\n00:00:0\d\.\d{3} --> /);
  });

  it("chat: an input_audio part becomes its transcript before the model reads it", async () => {
    const r = await t.client.chat.completions.create({
      model: MODEL_NAME,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Summarise: " },
            { type: "input_audio", input_audio: { data: wav.toString("base64"), format: "wav" } },
          ],
        },
      ],
      max_tokens: 2,
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const spoken = t.model.tokenizer.encodeChat(
      [{ role: "user", content: `Summarise: [audio transcript] ${sentence}` }],
      { enableThinking: false },
    ).length;
    // pocketsphinx hears this sentence exactly: the prompt is the text with the transcript in it
    assert.equal(r.usage?.prompt_tokens, spoken);
  });

  it("refusals: each a 400 with its code and message", async () => {
    // a FLAC signature and then nothing FLAC: ffmpeg finds no stream info
    const corrupt = Buffer.concat([Buffer.from("fLaC"), Buffer.alloc(3000, 0x33)]);
    const cases: [Record<string, string>, { bytes: Uint8Array; name: string } | undefined, string, RegExp][] =
      [
        [
          { model: "whisper-1" },
          { bytes: Buffer.from("not audio at all"), name: "a.wav" },
          "invalid_audio",
          /^file: not audio Rio reads .*corrupt file/,
        ],
        [
          { model: "whisper-1" },
          { bytes: corrupt, name: "broken.flac" },
          "invalid_audio",
          /^file: not audio Rio reads/,
        ],
        [
          { model: "whisper-1" },
          { bytes: wav, name: "notes.txt" },
          "unsupported_audio_format",
          /unsupported audio format "txt"; supported: flac, m4a, mp3/,
        ],
        [{ model: "whisper-1" }, undefined, "missing_file", /the form has no `file` field/],
        [
          { model: "whisper-1" },
          { bytes: new Uint8Array(0), name: "a.wav" },
          "invalid_audio",
          /^file: the file is empty/,
        ],
        [
          { model: "whisper-1" },
          { bytes: speechWav(sentence, 8), name: "long.wav" },
          "audio_too_long",
          /^file: the audio lasts more than 8 s, the most accepted/,
        ],
        [
          { model: "whisper-1" },
          { bytes: Buffer.alloc((1 << 20) + 10), name: "big.wav" },
          "audio_too_large",
          /^file: the audio is larger than 1048576 bytes/,
        ],
        [
          { model: "whisper-1", language: "de" },
          { bytes: wav, name: "a.wav" },
          "unsupported_language",
          /pocketsphinx recognises "en" only, not "de"/,
        ],
        [
          { model: "whisper-1", response_format: "xml" },
          { bytes: wav, name: "a.wav" },
          "invalid_value",
          /response_format must be one of json, text, verbose_json, srt, vtt/,
        ],
        [
          { model: "whisper-1", "timestamp_granularities[]": "word" },
          { bytes: wav, name: "a.wav" },
          "invalid_value",
          /needs response_format verbose_json/,
        ],
      ];
    for (const [fields, file, code, message] of cases) {
      const r = await postForm(fields, file);
      assert.equal(r.status, 400, `${code}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
      assert.match(r.body.error.message, message);
    }
    const json = await t.post("/v1/audio/transcriptions", { file: "x" });
    assert.equal(json.status, 400);
    assert.equal(json.body.error.code, "invalid_content_type");
    assert.match(json.body.error.message, /expected a multipart\/form-data body/);
  });

  it("chat refusals name the part", async () => {
    const ask = (input_audio: unknown) =>
      t.post("/v1/chat/completions", {
        model: MODEL_NAME,
        max_tokens: 1,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "hi" },
              { type: "input_audio", input_audio },
            ],
          },
        ],
      });
    const bad = await ask({ data: Buffer.from("garbage").toString("base64"), format: "wav" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "invalid_audio");
    assert.match(bad.body.error.message, /^messages\[0\]\.content\[1\]: not audio Rio reads/);
    const format = await ask({ data: wav.toString("base64"), format: "midi" });
    assert.equal(format.body.error.code, "unsupported_audio_format");
    assert.equal(format.body.error.param, "messages[0].content[1].input_audio.format");
    const notBase64 = await ask({ data: "%%%", format: "wav" });
    assert.equal(notBase64.body.error.param, "messages[0].content[1].input_audio.data");
    assert.match(notBase64.body.error.message, /not base64/);
  });

  it("a batch of corrupt files leaves the server up", async () => {
    const junk = Array.from({ length: 12 }, (_, i) => {
      const bytes = Buffer.from(wav.subarray(0, 200 + i * 500));
      for (let k = 44; k < bytes.length; k += 7) bytes[k] ^= 0xa5;
      return i % 3 === 0 ? Buffer.alloc(i + 1, i) : bytes;
    });
    const results = await Promise.all(
      junk.map((bytes, i) =>
        postForm({ model: "whisper-1" }, { bytes, name: `junk${i}.${["wav", "mp3", "ogg", "flac"][i % 4]}` }),
      ),
    );
    for (const r of results) assert.ok(r.status === 400 || r.status === 200, JSON.stringify(r.body));
    assert.ok(results.filter((r) => r.status === 400).length >= 4);
    assert.equal((await fetch(`${t.server.url}/health`)).status, 200);
    const r = await t.client.audio.transcriptions.create({
      file: await toFile(wav, "speech.wav"),
      model: "whisper-1",
    });
    assert.ok(sharedWords(sentence, r.text) >= 0.7, r.text);
  });
});

describe("no engine", () => {
  let bare: TinyServer;
  before(async () => {
    bare = await startTinyServer();
  });
  after(() => bare?.close());
  it("the endpoint and audio parts answer 400 audio_unsupported", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(wav)]), "a.wav");
    const res = await fetch(`${bare.server.url}/v1/audio/transcriptions`, { method: "POST", body: form });
    const body = await res.json();
    assert.equal(res.status, 400);
    assert.equal(body.error.code, "audio_unsupported");
    assert.match(
      body.error.message,
      /no speech-to-text engine .*pocketsphinx-en-us, or start it with --whisper-model/,
    );
    const chat = await bare.post("/v1/chat/completions", {
      model: MODEL_NAME,
      messages: [
        { role: "user", content: [{ type: "input_audio", input_audio: { data: "AAAA", format: "wav" } }] },
      ],
    });
    assert.equal(chat.status, 400);
    assert.equal(chat.body.error.param, "messages[0].content[0]");
  });
});

describe("whisper.cpp", () => {
  it("--whisper-model: a missing file and a file that is no ggml model are refused by name", async () => {
    await assert.rejects(
      createWhisper({ model: "/nonexistent/ggml-base.bin" }),
      /--whisper-model \/nonexistent\/ggml-base.bin: no such file/,
    );
    await assert.rejects(
      createWhisper({ model: "package.json" }),
      /--whisper-model package.json: whisper.cpp cannot load it/,
    );
  });
});
