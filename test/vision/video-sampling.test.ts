/**
 * The video sampling arithmetic against HF's Qwen3VLVideoProcessor (`sample_frames`, `smart_resize` with
 * `cap_pixels_per_frame`) and Qwen3VLProcessor (`_calculate_timestamps`). Expected values were computed
 * with a transcription of that Python code (numpy 2.4 for linspace/round) under Qwen3.5's published
 * video_preprocessor_config.json (size 4096 .. 24 Mi pixels, fps 2, min 4 and max 768 frames); 400
 * random cases agreed before these were picked.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  VIDEO_SAMPLING_DEFAULTS as D,
  groupTimestamps,
  roundHalfEven,
  sampleFrameIndices,
  videoFrameSize,
} from "../../src/vision/index.js";

test("frames are sampled at 2 per second, spread from the first frame to the last", () => {
  assert.deepEqual(sampleFrameIndices(8, 4, D), [0, 2, 5, 7]); // 2 s at 4 fps: 4 frames
  assert.deepEqual(sampleFrameIndices(100, 25, D), [0, 14, 28, 42, 57, 71, 85, 99]);
  assert.deepEqual(sampleFrameIndices(61, 30, D), [0, 20, 40, 60]);
  assert.deepEqual(sampleFrameIndices(20, 4, D), [0, 2, 4, 6, 8, 11, 13, 15, 17, 19]);
});

test("at least minFrames when the video has them, at most maxFrames", () => {
  assert.deepEqual(sampleFrameIndices(3, 30, D), [0, 1, 2]);
  assert.deepEqual(sampleFrameIndices(1, 30, D), [0]);
  assert.deepEqual(
    sampleFrameIndices(3000, 30, { ...D, maxFrames: 16 }),
    [0, 200, 400, 600, 800, 1000, 1200, 1400, 1599, 1799, 1999, 2199, 2399, 2599, 2799, 2999],
  );
  assert.equal(sampleFrameIndices(3000, 30, D).length, 200);
});

test("frames are resized to multiples of 32 within the per-frame cap and the video budget", () => {
  const size = (n: number, w: number, h: number, s = D) => videoFrameSize(n, w, h, s);
  assert.deepEqual(size(8, 1920, 1080), { width: 1152, height: 640 }); // capped at 768 tokens a frame
  assert.deepEqual(size(8, 1920, 1080, { ...D, maxFramePixels: 0 }), { width: 1920, height: 1088 });
  assert.deepEqual(size(400, 1920, 1080), { width: 320, height: 160 }); // 24 Mi pixels over 400 frames
  assert.deepEqual(size(4, 64, 48), { width: 64, height: 64 }); // 48 / 32 = 1.5 rounds to 2
  assert.deepEqual(size(4, 500, 20), { width: 800, height: 32 }); // short side raised to 32 first
  assert.deepEqual(size(2, 16, 16), { width: 64, height: 64 }); // up to the least pixels
  assert.throws(() => size(4, 10_000, 20), /aspect ratio/);
});

test("each temporal group shows the mean time of its two frames; an odd last frame is repeated", () => {
  assert.deepEqual(groupTimestamps([0, 15, 30, 45, 60], 30, 2), [0.25, 1.25, 2]);
  assert.deepEqual(
    groupTimestamps([0, 14, 28, 42, 57, 71, 85, 99], 25, 2),
    [0.28, 1.4, 2.5599999999999996, 3.6799999999999997],
  );
  // frames 0, 12, 24, 36, 48 at 24 fps, padded with 48: groups (0, 12), (24, 36), (48, 48)
  assert.deepEqual(groupTimestamps([0, 12, 24, 36, 48], 24, 2), [0.25, 1.25, 2]);
});

test("rounding is Python's: halves to even", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001].map(roundHalfEven), [0, 2, 2, 4, 2, 3]);
});
