/**
 * @module Test videos made at test time with the system's ffmpeg (never downloaded): frame k of a clip is
 * a flat grey of level `levelOf(k)`, so a sampled frame tells which source frame it was.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The grey level of source frame k. */
export const levelOf = (k: number): number => (k * 20) % 256;

/**
 * A clip of `frames` frames of width x height at `fps`, H.264 in MP4 (or VP9 in WebM), frame k a flat grey
 * of levelOf(k).
 */
export function greyClip(opts: {
  frames: number;
  fps: number;
  width: number;
  height: number;
  format?: "mp4" | "webm";
}): Buffer {
  const { frames, fps, width, height, format = "mp4" } = opts;
  const raw = Buffer.alloc(frames * width * height * 3);
  for (let k = 0; k < frames; k++) raw.fill(levelOf(k), k * width * height * 3, (k + 1) * width * height * 3);
  const out = join(
    tmpdir(),
    `rio-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.${format}`,
  );
  const codec =
    format === "mp4"
      ? ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv444p"]
      : ["-c:v", "libvpx-vp9", "-lossless", "1"];
  // -s and -r come before -i: they describe the raw frames on stdin
  const run = spawnSync(
    "ffmpeg",
    [
      "-v",
      "error",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "-s",
      `${width}x${height}`,
      "-r",
      String(fps),
      "-i",
      "pipe:0",
      ...codec,
      "-y",
      out,
    ],
    { input: raw },
  );
  if (run.status !== 0) throw new Error(`ffmpeg could not make the test clip: ${run.stderr}`);
  try {
    return readFileSync(out);
  } finally {
    rmSync(out, { force: true });
  }
}
