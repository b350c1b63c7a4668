/**
 * @module `rio transcribe FILE`: speech to text of one audio file (WAV, MP3, FLAC, OGG, M4A, WebM; decoded
 * by the system's ffmpeg) with pocketsphinx, or whisper.cpp and --whisper-model; the transcript on stdout as
 * text, json, verbose_json, srt or vtt.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import {
  formatTranscript,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
  transcribeAudio,
} from "../../audio/index.js";
import { type AudioFlags, addAudioOptions, openTranscriber } from "../audio.js";
import { numberParser, oneOf } from "../parsers.js";

interface TranscribeFlags extends AudioFlags {
  language?: string;
  format: TranscriptFormat;
  maxSeconds: number;
}

export function register(program: Command): void {
  const command = program
    .command("transcribe")
    .description("speech to text of an audio file (pocketsphinx, or whisper.cpp with --whisper-model)")
    .argument("<file>", "the audio file: wav, mp3, flac, ogg, m4a, webm, ...")
    .option("--language <code>", "ISO 639-1 language code (pocketsphinx: en only)")
    .option(
      "--format <format>",
      `output: ${TRANSCRIPT_FORMATS.join(", ")}`,
      oneOf(TRANSCRIPT_FORMATS),
      "text",
    )
    .option("--max-seconds <s>", "longest audio accepted", numberParser(1), 3600);
  addAudioOptions(command);
  command.action(async (file: string, flags: TranscribeFlags) => {
    const bytes = fs.readFileSync(file);
    const transcriber = await openTranscriber(flags);
    try {
      const transcript = await transcribeAudio(bytes, transcriber, {
        language: flags.language,
        maxSeconds: flags.maxSeconds,
        timeMs: 3_600_000,
      });
      const out = formatTranscript(
        transcript,
        flags.format,
        transcript.duration,
        flags.format === "verbose_json",
      );
      process.stdout.write(out.body.endsWith("\n") ? out.body : `${out.body}\n`);
    } finally {
      await transcriber.close();
    }
  });
}
