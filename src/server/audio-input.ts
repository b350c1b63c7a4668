/**
 * @module How a server takes audio: the speech-to-text engine and its limits, the mapping of audio
 * refusals to OpenAI-shaped errors, and chat's `input_audio` parts, which are transcribed and put in the
 * message as text (`[audio transcript] …`) before the model reads it.
 */
import {
  AUDIO_EXTENSIONS,
  AudioInputError,
  type AudioInputErrorCode,
  type AudioTranscript,
  type TranscribeAudioOptions,
  type Transcriber,
  transcribeAudio,
} from "../audio/index.js";
import { ApiError } from "./errors.js";
import type { ChatRequestMessage, ChatRequestPart } from "./schemas/chat.js";

/** How a server takes audio (the transcription endpoint and chat's input_audio parts). */
export interface AudioOptions {
  /** The recogniser; its owner closes it after the server. */
  transcriber: Transcriber;
  /** Most bytes of one audio file (default 25 MiB, OpenAI's limit). */
  maxBytes?: number;
  /** Longest audio accepted, in seconds (default 600). */
  maxSeconds?: number;
  /** Time limit of decoding, and of recognition's child process, in milliseconds (default 300 000). */
  timeMs?: number;
  /** ffmpeg executable (default "ffmpeg" on PATH). */
  ffmpeg?: string;
  /** Most input_audio parts in one chat request (default 4). */
  maxChatParts?: number;
}

/** Default of AudioOptions.maxBytes. */
export const DEFAULT_MAX_AUDIO_BYTES = 25 * 2 ** 20;

/** Prefix of the text that replaces an audio part. */
export const AUDIO_TRANSCRIPT_MARK = "[audio transcript]";

const NO_ENGINE =
  "this server has no speech-to-text engine (install Debian's pocketsphinx and pocketsphinx-en-us, or start it with --whisper-model FILE)";

/** The server's engine, or a 400 that says none is configured. */
export function audioEngine(audio: AudioOptions | undefined, param: string | null): AudioOptions {
  if (!audio) throw new ApiError(400, NO_ENGINE, "invalid_request_error", param, "audio_unsupported");
  return audio;
}

/**
 * Transcribes `bytes` under the server's limits.
 * @throws ApiError: 400 naming `param` for audio refused (corrupt, unsupported, too long, a language), 503
 *   when this machine cannot decode audio, 500 when the engine fails
 */
export async function transcribeForRequest(
  audio: AudioOptions,
  bytes: Uint8Array,
  param: string,
  opts: Pick<TranscribeAudioOptions, "language" | "prompt" | "signal"> = {},
): Promise<AudioTranscript> {
  try {
    return await transcribeAudio(bytes, audio.transcriber, {
      ...opts,
      maxSeconds: audio.maxSeconds ?? 600,
      timeMs: audio.timeMs ?? 300_000,
      ffmpeg: audio.ffmpeg,
    });
  } catch (error) {
    if (error instanceof AudioInputError) throw audioApiError(error, param);
    throw error;
  }
}

const AUDIO_CODES: Record<AudioInputErrorCode, [number, string]> = {
  "unsupported-format": [400, "unsupported_audio_format"],
  undecodable: [400, "invalid_audio"],
  "too-long": [400, "audio_too_long"],
  "too-large": [400, "audio_too_large"],
  "unsupported-language": [400, "unsupported_language"],
  timeout: [400, "audio_timeout"],
  "tool-not-found": [503, "audio_unavailable"],
  "engine-failed": [500, "transcription_failed"],
};

/** An AudioInputError as the response a client sees. */
export function audioApiError(error: AudioInputError, param: string | null): ApiError {
  const [status, code] = AUDIO_CODES[error.code];
  const type = status >= 500 ? "server_error" : "invalid_request_error";
  return new ApiError(status, param ? `${param}: ${error.message}` : error.message, type, param, code);
}

/** An AudioInputError for a file name or format outside AUDIO_EXTENSIONS. */
export function unsupportedFormat(what: string): AudioInputError {
  return new AudioInputError(
    `unsupported audio format ${JSON.stringify(what.slice(0, 40))}; supported: ${AUDIO_EXTENSIONS.join(", ")}`,
    "unsupported-format",
  );
}

const isAudioFormat = (format: string) =>
  (AUDIO_EXTENSIONS as readonly string[]).includes(format.toLowerCase());
type AudioPart = Extract<ChatRequestPart, { type: "input_audio" }>;

/**
 * `messages` with every `input_audio` part replaced by a text part holding its transcript; the same array
 * when there are none.
 * @throws ApiError (400) naming the part: no engine, too many parts, bad base64 or format, refused audio
 */
export async function transcribeAudioParts(
  audio: AudioOptions | undefined,
  messages: ChatRequestMessage[],
  field: string,
  signal?: AbortSignal,
): Promise<ChatRequestMessage[]> {
  const places = messages.flatMap((message, m) =>
    typeof message.content === "string" || !message.content
      ? []
      : message.content.flatMap((part, p) =>
          part.type === "input_audio" ? [`${field}[${m}].content[${p}]`] : [],
        ),
  );
  if (places.length === 0) return messages;
  const engine = audioEngine(audio, places[0]);
  const maxParts = engine.maxChatParts ?? 4;
  if (places.length > maxParts)
    throw new ApiError(
      400,
      `${field}: ${places.length} audio parts in one request; at most ${maxParts} are accepted`,
      "invalid_request_error",
      field,
    );
  const maxBytes = engine.maxBytes ?? DEFAULT_MAX_AUDIO_BYTES;
  const out: ChatRequestMessage[] = [];
  for (const [m, message] of messages.entries()) {
    if (typeof message.content === "string" || !message.content) {
      out.push(message);
      continue;
    }
    const content: ChatRequestPart[] = [];
    for (const [p, part] of message.content.entries()) {
      if (part.type !== "input_audio") {
        content.push(part);
        continue;
      }
      const param = `${field}[${m}].content[${p}]`;
      const bytes = partBytes(part, param, maxBytes);
      const transcript = await transcribeForRequest(engine, bytes, param, { signal });
      content.push({ type: "text", text: `${AUDIO_TRANSCRIPT_MARK} ${transcript.text}` });
    }
    out.push({ ...message, content });
  }
  return out;
}

function partBytes(part: AudioPart, param: string, maxBytes: number): Uint8Array {
  const { data, format } = part.input_audio;
  if (!isAudioFormat(format)) throw audioApiError(unsupportedFormat(format), `${param}.input_audio.format`);
  if ((data.length * 3) / 4 > maxBytes + 3)
    throw audioApiError(
      new AudioInputError(`the audio is larger than ${maxBytes} bytes`, "too-large"),
      param,
    );
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(data))
    throw new ApiError(
      400,
      `${param}.input_audio.data: not base64`,
      "invalid_request_error",
      `${param}.input_audio.data`,
      "invalid_audio",
    );
  return Buffer.from(data, "base64");
}
