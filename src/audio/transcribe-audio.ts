/**
 * @module From audio bytes to a transcript: decode with ffmpeg (16 kHz mono), check the limits, recognise.
 * The one path the transcription endpoint, chat's audio parts and `rio transcribe` share.
 */
import { type DecodeAudioOptions, decodeAudio } from "./decode-audio.js";
import { AudioInputError, SAMPLE_RATE, type Transcriber, type Transcript } from "./transcriber.js";

/** Options of transcribeAudio: decoding limits and the request's language and prompt. */
export interface TranscribeAudioOptions extends DecodeAudioOptions {
  /** ISO 639-1 code (two or three lower-case letters). */
  language?: string;
  prompt?: string;
}

/** A transcript and the audio's length in seconds. */
export interface AudioTranscript extends Transcript {
  duration: number;
}

/**
 * Decodes and transcribes `bytes`.
 * @throws AudioInputError: a bad language code, a language the engine lacks, undecodable or too long audio,
 *   a time limit, no ffmpeg, or an engine failure
 * @example
 * const { text, duration } = await transcribeAudio(readFileSync("note.ogg"), createPocketsphinx());
 */
export async function transcribeAudio(
  bytes: Uint8Array,
  transcriber: Transcriber,
  opts: TranscribeAudioOptions = {},
): Promise<AudioTranscript> {
  const { language, prompt, ...decode } = opts;
  if (language !== undefined) checkLanguage(language, transcriber);
  const pcm = await decodeAudio(bytes, decode);
  const transcript = await transcriber.transcribe(pcm, { language, prompt, signal: opts.signal });
  return { ...transcript, duration: pcm.length / SAMPLE_RATE };
}

function checkLanguage(language: string, transcriber: Transcriber): void {
  if (!/^[a-z]{2,3}$/.test(language))
    throw new AudioInputError(
      `language must be an ISO 639-1 code such as "en", not ${JSON.stringify(language.slice(0, 20))}`,
      "unsupported-language",
    );
  if (transcriber.languages !== "any" && !transcriber.languages.includes(language))
    throw new AudioInputError(
      `${transcriber.name} recognises ${transcriber.languages.map((l) => `"${l}"`).join(", ")} only, not "${language}"; serve a multilingual Whisper model (--whisper-model) for other languages`,
      "unsupported-language",
    );
}
