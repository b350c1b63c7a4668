/**
 * @module A transcript in the response formats of OpenAI's /v1/audio/transcriptions: json, text,
 * verbose_json (segments, and words when asked for), srt and vtt.
 */
import type { Transcript } from "./transcriber.js";

/** The response formats of the transcription endpoint. */
export const TRANSCRIPT_FORMATS = ["json", "text", "verbose_json", "srt", "vtt"] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

/** A formatted transcript: the body and its content type. */
export interface FormattedTranscript {
  body: string;
  contentType: string;
}

/**
 * `transcript` as `format`; `duration` is the audio's length in seconds, `words` adds word timings to
 * verbose_json (`timestamp_granularities: ["word"]`).
 * @example
 * formatTranscript({ text: "hi", segments: [{ start: 0, end: 0.5, text: "hi" }], language: "en" }, "srt", 0.5).body;
 * // "1\n00:00:00,000 --> 00:00:00,500\nhi\n"
 */
export function formatTranscript(
  transcript: Transcript,
  format: TranscriptFormat,
  duration: number,
  words = false,
): FormattedTranscript {
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: "application/json" });
  switch (format) {
    case "json":
      return json({ text: transcript.text });
    case "text":
      return { body: `${transcript.text}\n`, contentType: "text/plain; charset=utf-8" };
    case "verbose_json":
      return json({
        task: "transcribe",
        language: transcript.language,
        duration: round3(duration),
        text: transcript.text,
        segments: transcript.segments.map((s, id) => ({
          id,
          start: round3(s.start),
          end: round3(s.end),
          text: s.text,
        })),
        ...(words
          ? {
              words: (transcript.words ?? []).map((w) => ({
                ...w,
                start: round3(w.start),
                end: round3(w.end),
              })),
            }
          : {}),
      });
    case "srt":
      return {
        body: transcript.segments
          .map((s, i) => `${i + 1}\n${clock(s.start, ",")} --> ${clock(s.end, ",")}\n${s.text}\n`)
          .join("\n"),
        contentType: "text/plain; charset=utf-8",
      };
    case "vtt":
      return {
        body: `WEBVTT\n\n${transcript.segments.map((s) => `${clock(s.start, ".")} --> ${clock(s.end, ".")}\n${s.text}\n`).join("\n")}`,
        contentType: "text/vtt; charset=utf-8",
      };
  }
}

const round3 = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** HH:MM:SS,mmm (srt) or HH:MM:SS.mmm (vtt). */
function clock(seconds: number, mark: string): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}${mark}${pad(ms % 1000, 3)}`;
}
