/**
 * @module Test fixture: English speech made here with Debian's espeak-ng (the `en-us+klatt` voice, which
 * pocketsphinx hears best among espeak's voices), converted to other formats with ffmpeg, and the word
 * measures the tests report.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Sentences the tests speak, with their words. */
export const SENTENCES = [
  "the weather is nice today",
  "the president said the economy is growing",
  "hello world this is a test",
  "please call me tomorrow morning",
  "i would like to order a pizza",
  "the quick brown fox jumps over the lazy dog",
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rio-speech-"));
process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));

/** A WAV file (22 050 Hz mono, espeak-ng's rate) of `text` spoken, with `seconds` of silence after it. */
export function speechWav(text: string, silence = 0): Buffer {
  const file = path.join(dir, `speech-${fs.readdirSync(dir).length}.wav`);
  execFileSync("espeak-ng", ["-v", "en-us+klatt", "-w", file, text]);
  if (silence === 0) return fs.readFileSync(file);
  const padded = `${file}.padded.wav`;
  execFileSync("ffmpeg", ["-v", "error", "-y", "-i", file, "-af", `apad=pad_dur=${silence}`, padded]);
  return fs.readFileSync(padded);
}

/** `wav` converted by ffmpeg to `format` (mp3, flac, ogg, ...). */
export function convertAudio(wav: Buffer, format: string): Buffer {
  const input = path.join(dir, `in-${fs.readdirSync(dir).length}.wav`);
  const output = `${input}.${format}`;
  fs.writeFileSync(input, wav);
  execFileSync("ffmpeg", ["-v", "error", "-y", "-i", input, output]);
  return fs.readFileSync(output);
}

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z' ]/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Word error rate: word edits (substitutions, insertions, deletions) over the reference's words. */
export function wordErrors(reference: string, hypothesis: string): { edits: number; words: number } {
  const r = wordsOf(reference);
  const h = wordsOf(hypothesis);
  let row = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const next = [i];
    for (let j = 1; j <= h.length; j++)
      next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1)));
    row = next;
  }
  return { edits: row[h.length], words: r.length };
}

/** Share of the reference's words found in the hypothesis (each hypothesis word used once). */
export function sharedWords(reference: string, hypothesis: string): number {
  const left = wordsOf(hypothesis);
  const r = wordsOf(reference);
  let shared = 0;
  for (const word of r) {
    const k = left.indexOf(word);
    if (k >= 0) {
      shared++;
      left.splice(k, 1);
    }
  }
  return shared / r.length;
}
