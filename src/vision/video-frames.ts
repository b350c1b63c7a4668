/**
 * @module Video bytes to sampled RGB frames with the system's ffmpeg and ffprobe (Debian's `ffmpeg`
 * package; any ffmpeg >= 5.1 on PATH, or the paths given). The bytes go to a private temporary file;
 * ffprobe reads the first video stream's size, frame count and rate; ffmpeg decodes it, keeps the sampled
 * frame numbers (`select`), scales them to the processor's size (bicubic) and writes raw RGB to a pipe.
 * Both run as child processes with argument arrays (no shell), a time limit, only the file protocol and
 * only video container formats, so a playlist or concat file cannot make ffmpeg read anything else.
 */
import {
  ffmpegInputGuard,
  runTool as runExternal,
  ToolRunError,
  type ToolRunErrorCode,
  withPrivateFile,
} from "../exec/index.js";
import {
  groupTimestamps,
  sampleFrameIndices,
  VIDEO_SAMPLING_DEFAULTS,
  type VideoSampling,
  type VideoSamplingConfig,
  videoFrameSize,
} from "./video-sampling.js";

/** Why a video was refused or could not be read. */
export type VideoInputErrorCode =
  | "not-a-video"
  | "too-long"
  | "too-large"
  | "undecodable"
  | "timeout"
  | "ffmpeg-not-found";

/** A video refused (not a video, beyond a limit, undecodable) or unreadable here (no ffmpeg). */
export class VideoInputError extends Error {
  constructor(
    message: string,
    readonly code: VideoInputErrorCode,
  ) {
    super(message);
    this.name = "VideoInputError";
  }
}

/** Options of readVideoFrames: the sampling, the limits and where ffmpeg is. */
export interface VideoReadOptions extends VideoSampling {
  /** Longest video accepted, in seconds (default 600). */
  maxSeconds?: number;
  /** Most pixels of the source frames (default 8192 x 8192). */
  maxSourcePixels?: number;
  /** Time limit of each ffprobe and ffmpeg run in milliseconds (default 60 000). */
  timeMs?: number;
  /** ffmpeg executable (default "ffmpeg" on PATH). */
  ffmpeg?: string;
  /** ffprobe executable (default "ffprobe" on PATH). */
  ffprobe?: string;
  signal?: AbortSignal;
}

/** The sampled frames of a video. */
export interface VideoFrames {
  /** Size of every frame: multiples of patchSize * mergeSize. */
  width: number;
  height: number;
  /** width * height * 3 RGB bytes each, in time order. */
  frames: Uint8Array[];
  /** The source frame number of each sampled frame. */
  frameIndices: number[];
  /** The source's average frame rate. */
  fps: number;
  /** The source's duration in seconds. */
  seconds: number;
  /** Seconds shown before each temporal group (frames grouped by temporalPatchSize, the last padded). */
  timestamps: number[];
}

// demuxers of video containers only: mp4/mov, matroska/webm, avi, gif (not image2, hls, concat, ...)
const FORMATS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,gif";
const INPUT_GUARD = ffmpegInputGuard(FORMATS);

/**
 * Samples and scales the frames of a video (see video-sampling.ts for the rules).
 * @throws VideoInputError naming what is wrong: not a video, too long or too large, undecodable, a time
 *   limit hit, or no ffmpeg
 * @example
 * const video = await readVideoFrames(readFileSync("clip.mp4"), { fps: 2 });
 * // video.frames.length frames of video.width x video.height; video.timestamps per pair of frames
 */
export async function readVideoFrames(bytes: Uint8Array, opts: VideoReadOptions = {}): Promise<VideoFrames> {
  const sampling = samplingOf(opts);
  return withPrivateFile("rio-video-", "input", bytes, async (file) => {
    const info = await probe(file, opts);
    const maxSeconds = opts.maxSeconds ?? 600;
    if (info.seconds > maxSeconds)
      throw new VideoInputError(
        `the video lasts ${info.seconds.toFixed(1)} s; at most ${maxSeconds} s are accepted`,
        "too-long",
      );
    const maxSourcePixels = opts.maxSourcePixels ?? 8192 * 8192;
    if (info.width * info.height > maxSourcePixels)
      throw new VideoInputError(
        `the video's frames are ${info.width}x${info.height} = ${info.width * info.height} pixels; at most ${maxSourcePixels}`,
        "too-large",
      );
    const indices = sampleFrameIndices(info.frames, info.fps, sampling);
    let size: { width: number; height: number };
    try {
      size = videoFrameSize(indices.length, info.width, info.height, sampling);
    } catch (e) {
      throw new VideoInputError((e as Error).message, "undecodable");
    }
    const frames = await decodeFrames(file, indices, size, opts);
    const frameIndices = indices.slice(0, frames.length);
    return {
      ...size,
      frames,
      frameIndices,
      fps: info.fps,
      seconds: info.seconds,
      timestamps: groupTimestamps(frameIndices, info.fps, sampling.temporalPatchSize),
    };
  });
}

/** The frames of `video` in temporal groups of `size` (the last may be short: the encoder pads it). */
export function temporalGroups(
  video: Pick<VideoFrames, "frames" | "width" | "height">,
  size = VIDEO_SAMPLING_DEFAULTS.temporalPatchSize,
): { rgb: Uint8Array; width: number; height: number }[][] {
  const groups = [];
  for (let i = 0; i < video.frames.length; i += size)
    groups.push(
      video.frames.slice(i, i + size).map((rgb) => ({ rgb, width: video.width, height: video.height })),
    );
  return groups;
}

/** The sampling fields of `opts`, defaults where unset. */
function samplingOf(opts: VideoSampling): VideoSamplingConfig {
  const config = { ...VIDEO_SAMPLING_DEFAULTS };
  for (const key of Object.keys(config) as (keyof VideoSamplingConfig)[])
    config[key] = opts[key] ?? config[key];
  return config;
}

interface StreamInfo {
  width: number;
  height: number;
  frames: number;
  fps: number;
  seconds: number;
}

const rational = (text: unknown): number => {
  const [num, den = "1"] = String(text ?? "").split("/");
  const value = Number(num) / Number(den);
  return Number.isFinite(value) && value > 0 ? value : 0;
};
const positive = (text: unknown): number => {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : 0;
};

async function probe(file: string, opts: VideoReadOptions): Promise<StreamInfo> {
  const args = [
    "-v",
    "error",
    ...INPUT_GUARD,
    "-count_packets",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=width,height,avg_frame_rate,r_frame_rate,nb_frames,nb_read_packets,duration" +
      ":stream_side_data=rotation:format=duration",
    "-of",
    "json",
    file,
  ];
  const run = await runTool(opts.ffprobe ?? "ffprobe", args, opts, 1 << 20);
  if (run.code !== 0)
    throw new VideoInputError(
      `not a video Rio reads (mp4, mov, webm, mkv, avi, gif): ${run.stderr}`,
      "not-a-video",
    );
  let parsed: { streams?: Record<string, unknown>[]; format?: { duration?: string } };
  try {
    parsed = JSON.parse(run.stdout.toString("utf8"));
  } catch {
    throw new VideoInputError("ffprobe wrote no readable description of the file", "not-a-video");
  }
  const stream = parsed.streams?.[0];
  if (!stream) throw new VideoInputError("the file has no video stream", "not-a-video");
  let [width, height] = [positive(stream.width), positive(stream.height)];
  const fps = rational(stream.avg_frame_rate) || rational(stream.r_frame_rate);
  const frames = positive(stream.nb_frames) || positive(stream.nb_read_packets);
  if (!width || !height || !fps || !frames)
    throw new VideoInputError(
      `the video stream has no usable size, frame rate or frame count (${width}x${height}, ${fps} fps, ${frames} frames)`,
      "not-a-video",
    );
  // ffmpeg turns frames upright: a stream rotated by 90 or 270 degrees comes out with its sides swapped
  const sideData = (stream.side_data_list ?? []) as { rotation?: number }[];
  const rotation = sideData.find((d) => d.rotation !== undefined)?.rotation ?? 0;
  if (Math.abs(rotation) % 180 === 90) [width, height] = [height, width];
  const seconds = positive(parsed.format?.duration) || positive(stream.duration) || frames / fps;
  return { width, height, frames, fps, seconds };
}

async function decodeFrames(
  file: string,
  indices: readonly number[],
  size: { width: number; height: number },
  opts: VideoReadOptions,
): Promise<Uint8Array[]> {
  const frameBytes = size.width * size.height * 3;
  const select = indices.map((i) => `eq(n\\,${i})`).join("+");
  const args = [
    "-nostdin",
    "-v",
    "error",
    ...INPUT_GUARD,
    "-i",
    file,
    "-map",
    "0:v:0",
    "-vf",
    `select=${select},scale=${size.width}:${size.height}:flags=bicubic`,
    "-fps_mode",
    "passthrough",
    "-frames:v",
    String(indices.length),
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "pipe:1",
  ];
  const run = await runTool(opts.ffmpeg ?? "ffmpeg", args, opts, indices.length * frameBytes);
  if (run.code !== 0)
    throw new VideoInputError(`ffmpeg could not decode the video: ${run.stderr}`, "undecodable");
  const count = Math.floor(run.stdout.length / frameBytes);
  if (count === 0 || run.stdout.length % frameBytes !== 0)
    throw new VideoInputError(
      `ffmpeg wrote ${run.stdout.length} bytes, not whole ${size.width}x${size.height} RGB frames`,
      "undecodable",
    );
  // a stream with fewer frames than its header counts ends early: the frames there are are kept
  return Array.from({ length: count }, (_, i) => run.stdout.subarray(i * frameBytes, (i + 1) * frameBytes));
}

/** Runs ffmpeg or ffprobe; a failure to run becomes a VideoInputError. */
async function runTool(command: string, args: string[], opts: VideoReadOptions, maxBytes: number) {
  try {
    return await runExternal(command, args, { timeMs: opts.timeMs, maxBytes, signal: opts.signal });
  } catch (error) {
    if (!(error instanceof ToolRunError)) throw error;
    throw new VideoInputError(...VIDEO_FAILURES[error.code](error.message, command));
  }
}

const VIDEO_FAILURES: Record<
  ToolRunErrorCode,
  (message: string, command: string) => [string, VideoInputErrorCode]
> = {
  "not-found": (message) => [
    `${message}: reading videos needs ffmpeg and ffprobe (e.g. apt-get install ffmpeg)`,
    "ffmpeg-not-found",
  ],
  timeout: (message) => [`${message} on the video`, "timeout"],
  "too-much-output": (message) => [message, "undecodable"],
};
