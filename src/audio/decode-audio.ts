/**
 * @module Audio bytes to 16 kHz mono float samples with the system's ffmpeg (Debian's `ffmpeg` package;
 * its swresample resamples, channels are averaged). The bytes go to a private temporary file; ffmpeg runs
 * as a child process with an argument array, a time limit, only the file protocol and only audio
 * container formats (so a playlist or concat file cannot make it read anything else), and is cut off once
 * it has written more than the longest audio accepted.
 */
import { ffmpegInputGuard, runTool, ToolRunError, withPrivateFile } from "../exec/index.js";
import { AudioInputError, SAMPLE_RATE } from "./transcriber.js";

/** File name extensions of the audio Rio reads (OpenAI's list, plus oga and opus). */
export const AUDIO_EXTENSIONS = [
  "flac",
  "m4a",
  "mp3",
  "mp4",
  "mpeg",
  "mpga",
  "oga",
  "ogg",
  "opus",
  "wav",
  "webm",
] as const;

// demuxers of audio containers (and mp4/webm, which carry audio too); not image2, hls, concat, ...
const FORMATS = "wav,mp3,flac,ogg,mov,mp4,m4a,3gp,matroska,webm,aac,mpeg";
const INPUT_GUARD = ffmpegInputGuard(FORMATS);

/** Options of decodeAudio. */
export interface DecodeAudioOptions {
  /** Longest audio accepted, in seconds (default 600). */
  maxSeconds?: number;
  /** Time limit of the ffmpeg run in milliseconds (default 60 000). */
  timeMs?: number;
  /** ffmpeg executable (default "ffmpeg" on PATH). */
  ffmpeg?: string;
  signal?: AbortSignal;
}

/**
 * Decodes the first audio stream of `bytes` (WAV, MP3, FLAC, OGG/Vorbis/Opus, M4A/AAC, WebM) to 16 kHz
 * mono float samples.
 * @throws AudioInputError: undecodable (not audio, corrupt, no audio stream, no samples), too long, a time
 *   limit hit, or no ffmpeg
 * @example
 * const pcm = await decodeAudio(readFileSync("speech.mp3"));
 * pcm.length / 16000; // seconds
 */
export async function decodeAudio(bytes: Uint8Array, opts: DecodeAudioOptions = {}): Promise<Float32Array> {
  const maxSeconds = opts.maxSeconds ?? 600;
  const command = opts.ffmpeg ?? "ffmpeg";
  return withPrivateFile("rio-audio-", "input", bytes, async (file) => {
    const args = [
      "-nostdin",
      "-v",
      "error",
      ...INPUT_GUARD,
      "-i",
      file,
      "-map",
      "0:a:0",
      "-vn",
      "-ac",
      "1",
      "-ar",
      String(SAMPLE_RATE),
      "-f",
      "f32le",
      "pipe:1",
    ];
    const maxBytes = Math.ceil(maxSeconds * SAMPLE_RATE) * 4;
    let run: Awaited<ReturnType<typeof runTool>>;
    try {
      run = await runTool(command, args, { timeMs: opts.timeMs, maxBytes, signal: opts.signal });
    } catch (error) {
      if (!(error instanceof ToolRunError)) throw error;
      if (error.code === "too-much-output")
        throw new AudioInputError(`the audio lasts more than ${maxSeconds} s, the most accepted`, "too-long");
      if (error.code === "timeout") throw new AudioInputError(`${error.message} on the audio`, "timeout");
      throw new AudioInputError(
        `${error.message}: reading audio needs ffmpeg (e.g. apt-get install ffmpeg)`,
        "tool-not-found",
      );
    }
    if (run.code !== 0)
      throw new AudioInputError(
        `not audio Rio reads (wav, mp3, flac, ogg, m4a, webm), or a corrupt file: ${run.stderr || `ffmpeg exited with ${run.code}`}`,
        "undecodable",
      );
    const samples = Math.floor(run.stdout.length / 4);
    if (samples === 0) throw new AudioInputError("the audio has no samples", "undecodable");
    // copy into an aligned buffer: the pipe's chunks need not start on a 4-byte boundary
    const pcm = new Float32Array(samples);
    for (let i = 0; i < samples; i++) pcm[i] = run.stdout.readFloatLE(i * 4);
    return pcm;
  });
}
