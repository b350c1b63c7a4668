/**
 * @module The arithmetic of Qwen3-VL / Qwen3.5 video input, as HF's Qwen3VLVideoProcessor and
 * Qwen3VLProcessor do it: which source frames are sampled (`sample_frames`), the size every sampled frame
 * is resized to (`smart_resize` with qwen-vl-utils' per-frame cap), and the seconds shown before each
 * temporal group (`_calculate_timestamps`). Pure functions; video-frames.ts runs ffmpeg with them.
 */
import { roundHalfEven } from "./image-resize.js";

/** How frames are sampled and sized; defaults are Qwen3.5's published video processor settings. */
export interface VideoSampling {
  /** Frames sampled per second of video (default 2). */
  fps?: number;
  /** Least frames sampled, if the video has them (default 4). */
  minFrames?: number;
  /** Most frames sampled; a longer video is sampled more sparsely (default 768). */
  maxFrames?: number;
  /** Least pixels of all sampled frames together (`size.shortest_edge`, default 4096). */
  minPixels?: number;
  /** Most pixels of all sampled frames together (`size.longest_edge`, default 24 Mi). */
  maxPixels?: number;
  /**
   * Most pixels of one frame, qwen-vl-utils' cap (default 768 patches of 32 x 32, HF's
   * `cap_pixels_per_frame`); 0 lets few frames spend the whole budget (HF's uncapped mode).
   */
  maxFramePixels?: number;
  /** Vision patch side in pixels (default 16). */
  patchSize?: number;
  /** Spatial merge of patches (default 2): frame sides are multiples of patchSize * mergeSize. */
  mergeSize?: number;
  /** Frames per temporal group (default 2). */
  temporalPatchSize?: number;
}

/** VideoSampling with every default filled in. */
export type VideoSamplingConfig = Required<VideoSampling>;

export const VIDEO_SAMPLING_DEFAULTS: VideoSamplingConfig = {
  fps: 2,
  minFrames: 4,
  maxFrames: 768,
  minPixels: 4096,
  maxPixels: 24 * 2 ** 20,
  maxFramePixels: 768 * 32 * 32,
  patchSize: 16,
  mergeSize: 2,
  temporalPatchSize: 2,
};

/**
 * Source frame indices sampled from a video of `totalFrames` frames at `videoFps` (HF `sample_frames`):
 * `int(total / videoFps * fps)` frames clamped to [minFrames, maxFrames] and to the frames there are,
 * spread evenly from the first frame to the last (`np.linspace(0, total - 1, n).round()`).
 * @example
 * sampleFrameIndices(8, 4, VIDEO_SAMPLING_DEFAULTS); // [0, 2, 5, 7]: a 2 s clip at 4 fps, 4 frames
 */
export function sampleFrameIndices(totalFrames: number, videoFps: number, s: VideoSamplingConfig): number[] {
  let n = Math.floor((totalFrames / videoFps) * s.fps);
  n = Math.min(Math.max(n, s.minFrames), s.maxFrames, totalFrames);
  if (n <= 0) return [];
  if (n === 1) return [0];
  const step = (totalFrames - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? totalFrames - 1 : roundHalfEven(i * step)));
}

/**
 * The size all `numFrames` sampled frames of a `width` x `height` video are resized to (HF's video
 * `smart_resize` under qwen-vl-utils' per-frame cap): sides rounded to multiples of 32 (patch 16 x merge
 * 2), then scaled down so the frames' pixels stay within the budget, or up to reach the least pixels.
 * @throws RangeError for an aspect ratio beyond 200 (as HF's processor refuses it)
 */
export function videoFrameSize(
  numFrames: number,
  width: number,
  height: number,
  s: VideoSamplingConfig,
): { width: number; height: number } {
  const factor = s.patchSize * s.mergeSize;
  // HF refuses fewer frames than a temporal group; Rio pads the group, as for an odd last frame
  const frames = Math.max(numFrames, s.temporalPatchSize);
  let maxPixels = s.maxPixels;
  if (s.maxFramePixels > 0) {
    const perFrame = Math.max(
      Math.min(s.maxFramePixels, Math.floor(s.maxPixels / frames)),
      Math.floor(s.minPixels * 1.05),
    );
    maxPixels = perFrame * frames;
  }
  let [h, w] = [height, width];
  if (h < factor || w < factor) {
    const scale = Math.max(factor / h, factor / w);
    [h, w] = [Math.trunc(h * scale), Math.trunc(w * scale)];
  }
  if (Math.max(h, w) / Math.min(h, w) > 200)
    throw new RangeError(`a ${width}x${height} video: the aspect ratio must be under 200`);
  let hBar = roundHalfEven(h / factor) * factor;
  let wBar = roundHalfEven(w / factor) * factor;
  const tBar = roundHalfEven(frames / s.temporalPatchSize) * s.temporalPatchSize;
  if (tBar * hBar * wBar > maxPixels) {
    const beta = Math.sqrt((frames * h * w) / maxPixels);
    hBar = Math.max(factor, Math.floor(h / beta / factor) * factor);
    wBar = Math.max(factor, Math.floor(w / beta / factor) * factor);
  } else if (tBar * hBar * wBar < s.minPixels) {
    const beta = Math.sqrt(s.minPixels / (frames * h * w));
    hBar = Math.ceil((h * beta) / factor) * factor;
    wBar = Math.ceil((w * beta) / factor) * factor;
  }
  return { width: wBar, height: hBar };
}

/**
 * Seconds shown before each temporal group (HF `Qwen3VLProcessor._calculate_timestamps`): the frame
 * indices are padded with the last up to a whole group, and each group shows the mean time of its first
 * and last frame.
 * @example
 * groupTimestamps([0, 15, 30, 45, 60], 30, 2); // [0.25, 1.25, 2]
 */
export function groupTimestamps(
  frameIndices: readonly number[],
  videoFps: number,
  groupSize: number,
): number[] {
  const idx = [...frameIndices];
  while (idx.length % groupSize !== 0) idx.push(idx[idx.length - 1]);
  const out: number[] = [];
  for (let i = 0; i < idx.length; i += groupSize)
    out.push((idx[i] / videoFps + idx[i + groupSize - 1] / videoFps) / 2);
  return out;
}
