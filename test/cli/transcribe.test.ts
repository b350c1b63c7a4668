/** `rio transcribe FILE` with the embedded default engine (Debian's pocketsphinx) on espeak-ng speech. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { convertAudio, SENTENCES, sharedWords, speechWav } from "../audio/speech.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-transcribe-cli-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const rio = (args: string[]) =>
  spawnSync(process.execPath, ["bin/rio.js", "transcribe", ...args], { encoding: "utf8", timeout: 120_000 });

test("rio transcribe speech.flac prints the transcript; --format srt its segments", () => {
  const file = path.join(dir, "speech.flac");
  fs.writeFileSync(file, convertAudio(speechWav(SENTENCES[0]), "flac"));
  const text = rio([file]);
  assert.equal(text.status, 0, text.stderr);
  assert.ok(sharedWords(SENTENCES[0], text.stdout) >= 0.7, text.stdout);
  const srt = rio([file, "--format", "srt", "--language", "en"]);
  assert.match(srt.stdout, /^1\n00:00:00,\d{3} --> 00:00:0\d,\d{3}\n.+\n$/);
});

test("rio transcribe refuses a corrupt file, another language and a missing Whisper model by name", () => {
  const junk = path.join(dir, "junk.wav");
  fs.writeFileSync(junk, "not audio");
  const corrupt = rio([junk]);
  assert.equal(corrupt.status, 1);
  assert.match(corrupt.stderr, /^rio: not audio Rio reads/);
  const german = rio([junk, "--language", "de"]);
  assert.match(german.stderr, /pocketsphinx recognises "en" only, not "de"/);
  const whisper = rio([junk, "--whisper-model", path.join(dir, "none.bin")]);
  assert.match(whisper.stderr, /--whisper-model .*none\.bin: no such file/);
});
