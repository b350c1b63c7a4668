/**
 * Speech to text below the server: ffmpeg decoding of every format to 16 kHz mono, pocketsphinx on
 * espeak-ng speech (word error rate reported), its output parser, the response formats and every refusal.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AudioInputError,
  createPocketsphinx,
  decodeAudio,
  formatTranscript,
  parsePocketsphinx,
  transcribeAudio,
} from "../../src/audio/index.js";
import { convertAudio, SENTENCES, sharedWords, speechWav, wordErrors } from "./speech.js";

const sphinx = createPocketsphinx();
const sentence = SENTENCES[1];
const wav = speechWav(sentence);

const refusal = (code: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof AudioInputError, String(error));
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return true;
};

describe("decoding", () => {
  it("WAV, MP3, FLAC and OGG decode to 16 kHz mono floats of the same length", async () => {
    const reference = await decodeAudio(wav);
    assert.ok(reference.length > 16_000 && reference.length < 16_000 * 5, String(reference.length));
    assert.ok(reference.some((s) => Math.abs(s) > 0.05));
    for (const format of ["mp3", "flac", "ogg"]) {
      const pcm = await decodeAudio(convertAudio(wav, format));
      // codecs pad a little (mp3: a frame of 1152 samples at 22 050 Hz is ~0.05 s)
      assert.ok(Math.abs(pcm.length - reference.length) < 16_000 * 0.1, `${format}: ${pcm.length}`);
    }
  });

  it("refuses corrupt bytes, text, an empty stream and audio over the limit", async () => {
    const corrupt = Buffer.concat([wav.subarray(0, 12), Buffer.alloc(4000, 0x5a)]);
    await assert.rejects(
      decodeAudio(corrupt),
      refusal("undecodable", /not audio Rio reads .*or a corrupt file/),
    );
    await assert.rejects(
      decodeAudio(Buffer.from("hello, not audio")),
      refusal("undecodable", /corrupt file/),
    );
    await assert.rejects(decodeAudio(wav, { maxSeconds: 1 }), refusal("too-long", /lasts more than 1 s/));
    await assert.rejects(
      decodeAudio(wav, { ffmpeg: "/nonexistent/ffmpeg" }),
      refusal("tool-not-found", /ffmpeg was not found/),
    );
    await assert.rejects(decodeAudio(wav, { timeMs: 1 }), refusal("timeout", /took longer than 1 ms/));
  });
});

describe("pocketsphinx", () => {
  it("transcribes espeak-ng sentences (word error rate reported) with segments and word times", async () => {
    let edits = 0;
    let words = 0;
    for (const text of SENTENCES) {
      const heard = await transcribeAudio(speechWav(text), sphinx);
      const e = wordErrors(text, heard.text);
      edits += e.edits;
      words += e.words;
      console.log(`  "${text}" -> "${heard.text}" (${e.edits}/${e.words} word errors)`);
    }
    console.log(`  pocketsphinx word error rate: ${((100 * edits) / words).toFixed(1)}% over ${words} words`);
    assert.ok(edits / words < 0.6, `WER ${edits / words}`);
    const heard = await transcribeAudio(wav, sphinx, { language: "en" });
    assert.ok(sharedWords(sentence, heard.text) >= 0.7, heard.text);
    assert.equal(heard.language, "en");
    assert.ok(heard.duration > 1 && heard.duration < 5);
    assert.equal(heard.segments.length, 1);
    const timed = heard.words ?? [];
    assert.ok(timed.length >= 4);
    assert.ok(timed.every((w, i) => w.end > w.start && (i === 0 || w.start >= timed[i - 1].end)));
  });

  it("two utterances apart become two segments in time order", async () => {
    const [first, second] = [await decodeAudio(speechWav(SENTENCES[0], 1.5)), await decodeAudio(wav)];
    const two = new Float32Array(first.length + second.length);
    two.set(first);
    two.set(second, first.length);
    const heard = await sphinx.transcribe(two);
    assert.equal(heard.segments.length, 2, JSON.stringify(heard.segments));
    assert.ok(heard.segments[1].start > heard.segments[0].end + 1);
  });

  it("refuses a language other than English and a malformed code", async () => {
    await assert.rejects(
      transcribeAudio(wav, sphinx, { language: "de" }),
      refusal("unsupported-language", /pocketsphinx recognises "en" only, not "de".*--whisper-model/),
    );
    await assert.rejects(
      transcribeAudio(wav, sphinx, { language: "English" }),
      refusal("unsupported-language", /ISO 639-1/),
    );
  });

  it("parses its output: fillers out, pronunciation marks off", () => {
    const out = parsePocketsphinx(
      "hello world\n<s> 0.000 0.100 1.0\nhello 0.110 0.400 0.9\n<sil> 0.41 0.5 1\nworld(2) 0.510 0.900 0.8\n</s> 0.9 1 1\n",
    );
    assert.deepEqual(out, {
      text: "hello world",
      segments: [{ start: 0.11, end: 0.9, text: "hello world" }],
      words: [
        { word: "hello", start: 0.11, end: 0.4 },
        { word: "world", start: 0.51, end: 0.9 },
      ],
    });
  });
});

describe("response formats", () => {
  const transcript = {
    text: "hello world again",
    segments: [
      { start: 0.5, end: 1.25, text: "hello world" },
      { start: 3661.2, end: 3662, text: "again" },
    ],
    words: [{ word: "hello", start: 0.5, end: 0.8 }],
    language: "en",
  };
  it("json, text, verbose_json, srt and vtt", () => {
    assert.equal(formatTranscript(transcript, "json", 4).body, '{"text":"hello world again"}');
    assert.equal(formatTranscript(transcript, "text", 4).body, "hello world again\n");
    const verbose = JSON.parse(formatTranscript(transcript, "verbose_json", 3662.0004, true).body);
    assert.deepEqual(verbose, {
      task: "transcribe",
      language: "en",
      duration: 3662,
      text: "hello world again",
      segments: [
        { id: 0, start: 0.5, end: 1.25, text: "hello world" },
        { id: 1, start: 3661.2, end: 3662, text: "again" },
      ],
      words: [{ word: "hello", start: 0.5, end: 0.8 }],
    });
    assert.equal(
      formatTranscript(transcript, "srt", 4).body,
      "1\n00:00:00,500 --> 00:00:01,250\nhello world\n\n2\n01:01:01,200 --> 01:01:02,000\nagain\n",
    );
    assert.equal(
      formatTranscript(transcript, "vtt", 4).body,
      "WEBVTT\n\n00:00:00.500 --> 00:00:01.250\nhello world\n\n01:01:01.200 --> 01:01:02.000\nagain\n",
    );
  });
});
