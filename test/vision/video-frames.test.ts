/**
 * readVideoFrames on clips made here with ffmpeg: which source frames come out (their grey level says),
 * their size and the groups' timestamps, and each refusal (not a video, too long, too large, no ffmpeg,
 * a time limit).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readVideoFrames, temporalGroups, type VideoInputError } from "../../src/vision/index.js";
import { pngOf } from "./images.js";
import { greyClip, levelOf } from "./videos.js";

const meanOf = (rgb: Uint8Array) => rgb.reduce((s, v) => s + v, 0) / rgb.length;

describe("readVideoFrames", () => {
  it("samples 2 frames a second, sized for the processor, with each group's mean time", async () => {
    // 12 frames at 6 fps (2 s): int(12 / 6 * 2) = 4 frames, linspace(0, 11, 4).round() = 0, 4, 7, 11
    const video = await readVideoFrames(greyClip({ frames: 12, fps: 6, width: 80, height: 48 }));
    assert.deepEqual(video.frameIndices, [0, 4, 7, 11]);
    assert.equal(video.fps, 6);
    assert.equal(video.seconds, 2);
    // 80 x 48: round(2.5) = 2 and round(1.5) = 2 patches of 32
    assert.deepEqual([video.width, video.height], [64, 64]);
    assert.equal(video.frames.length, 4);
    for (const [i, frame] of video.frames.entries()) {
      assert.equal(frame.length, 64 * 64 * 3);
      assert.ok(
        Math.abs(meanOf(frame) - levelOf(video.frameIndices[i])) < 1.5,
        `frame ${i} is source frame ${video.frameIndices[i]}`,
      );
    }
    // (0/6 + 4/6) / 2 and (7/6 + 11/6) / 2
    assert.deepEqual(video.timestamps, [1 / 3, 1.5]);
    const groups = temporalGroups(video);
    assert.deepEqual(
      groups.map((g) => g.map((f) => [f.width, f.height])),
      [
        [
          [64, 64],
          [64, 64],
        ],
        [
          [64, 64],
          [64, 64],
        ],
      ],
    );
  });

  it("reads WebM too; an odd frame count leaves a one-frame last group", async () => {
    // 5 frames at 2 fps: int(5 / 2 * 2) = 5 frames, all of them
    const video = await readVideoFrames(
      greyClip({ frames: 5, fps: 2, width: 64, height: 64, format: "webm" }),
    );
    assert.deepEqual(video.frameIndices, [0, 1, 2, 3, 4]);
    assert.deepEqual(video.timestamps, [0.25, 1.25, 2]);
    assert.deepEqual(
      temporalGroups(video).map((g) => g.length),
      [2, 2, 1],
    );
  });

  it("a long clip is sampled more sparsely under maxFrames", async () => {
    const video = await readVideoFrames(greyClip({ frames: 40, fps: 4, width: 32, height: 32 }), {
      maxFrames: 6,
    });
    // 10 s: 20 frames wanted, 6 allowed: linspace(0, 39, 6).round()
    assert.deepEqual(video.frameIndices, [0, 8, 16, 23, 31, 39]);
    assert.deepEqual(video.timestamps, [1, 4.875, 8.75]);
  });

  it("refuses what is not a video, names the limits it breaks, and says when ffmpeg is missing", async () => {
    const clip = greyClip({ frames: 8, fps: 4, width: 32, height: 32 });
    const cases: [Uint8Array, Parameters<typeof readVideoFrames>[1], string, RegExp][] = [
      [pngOf(32, 32), {}, "not-a-video", /not a video/],
      [Buffer.from("#EXTM3U\n#EXTINF:1,\nfile:///etc/hostname\n"), {}, "not-a-video", /not a video/],
      [Buffer.alloc(0), {}, "not-a-video", /not a video/],
      [clip, { maxSeconds: 1.5 }, "too-long", /lasts 2\.0 s; at most 1\.5 s/],
      [clip, { maxSourcePixels: 1000 }, "too-large", /32x32 = 1024 pixels; at most 1000/],
      [clip, { ffprobe: "/nonexistent/ffprobe" }, "ffmpeg-not-found", /ffprobe was not found/],
      [clip, { ffmpeg: "/nonexistent/ffmpeg" }, "ffmpeg-not-found", /ffmpeg was not found/],
      [clip, { timeMs: 1 }, "timeout", /took longer than 1 ms/],
    ];
    for (const [bytes, opts, code, message] of cases)
      await assert.rejects(readVideoFrames(bytes, opts), (e: VideoInputError) => {
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        assert.doesNotMatch(e.message, /rio-video-/, "the temporary path stays out of the message");
        return true;
      });
  });
});
