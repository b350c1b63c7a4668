/**
 * @module The speech-to-text interface every engine implements, its result, and the error Rio's audio
 * code throws for audio it refuses or cannot read.
 */

/** Sample rate of the audio every Transcriber takes. */
export const SAMPLE_RATE = 16_000;

/** One stretch of speech, times in seconds from the start of the audio. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
}

/** One recognised word, times in seconds (engines that time words: pocketsphinx). */
export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
}

/** What a Transcriber heard. */
export interface Transcript {
  text: string;
  segments: TranscriptSegment[];
  /** Word timings when the engine gives them. */
  words?: TranscriptWord[];
  /** ISO 639-1 code of the language recognised (or asked for). */
  language: string;
}

/** Options of one transcription. */
export interface TranscribeOptions {
  /** ISO 639-1 code; unset lets an engine that can detect the language do so. */
  language?: string;
  /** Text that precedes the audio (whisper's initial prompt; ignored by pocketsphinx). */
  prompt?: string;
  signal?: AbortSignal;
}

/**
 * A speech recogniser over 16 kHz mono float samples in [-1, 1]. Recognition runs off the event loop (a
 * child process or a native worker thread).
 * @example
 * const { text } = await transcriber.transcribe(pcm, { language: "en" });
 */
export interface Transcriber {
  /** Engine name as reported to clients: "pocketsphinx" or "whisper.cpp". */
  readonly name: string;
  /** Languages it recognises (ISO 639-1), or "any" for a multilingual model. */
  readonly languages: readonly string[] | "any";
  transcribe(pcm16k: Float32Array, opts?: TranscribeOptions): Promise<Transcript>;
  close(): Promise<void>;
}

/** Why audio was refused or could not be read. */
export type AudioInputErrorCode =
  | "unsupported-format"
  | "undecodable"
  | "too-long"
  | "too-large"
  | "unsupported-language"
  | "timeout"
  | "tool-not-found"
  | "engine-failed";

/** Audio refused (a format, a limit, a language) or unreadable here (no ffmpeg, a failed engine). */
export class AudioInputError extends Error {
  constructor(
    message: string,
    readonly code: AudioInputErrorCode,
  ) {
    super(message);
    this.name = "AudioInputError";
  }
}

/** 16-bit little-endian PCM of float samples (clipped to [-1, 1]), as pocketsphinx and whisper.node read it. */
export function pcm16(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out.writeInt16LE(Math.round(s * 32767), i * 2);
  }
  return out;
}
