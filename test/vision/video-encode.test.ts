/**
 * The real encoder (libmtmd) on video frames, with the tiny Qwen3.5 vision tower: two frames of one size
 * passed as adjacent mergeable bitmaps become one chunk, one temporal group of gridH x gridW rows with an
 * image's positions, and a lone frame encodes as itself repeated (Qwen's padding of an odd last frame).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { loadModel, type RioModel } from "../../src/engine/index.js";
import {
  type EncodedImage,
  type ImageEncoder,
  openImageEncoder,
  readVideoFrames,
  temporalGroups,
  type VisionError,
} from "../../src/vision/index.js";
import { greyClip } from "./videos.js";

let dir: string;
let model: RioModel;
let encoder: ImageEncoder;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "rio-video-encode-"));
  makeTinyModel({ arch: "qwen3_5", out: join(dir, "tiny"), seed: 11, vision: true });
  model = loadModel(join(dir, "tiny"), { quant: "f32" });
  encoder = await openImageEncoder({ mmprojPath: model.mmproj as string, model: model.llama, threads: 2 });
});
after(() => {
  encoder?.close();
  model?.free();
  rmSync(dir, { recursive: true, force: true });
});

/** A w x h RGB frame of a pattern that differs with `k`. */
const frame = (width: number, height: number, k: number) => ({
  rgb: new Uint8Array(width * height * 3).map((_, i) => (i * 37 + k * 101) % 256),
  width,
  height,
});
const rows = (e: EncodedImage) =>
  [0, 1, 2].map((r) => Array.from(e.positions.subarray(r * e.nTokens, (r + 1) * e.nTokens)));
const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe("ImageEncoder.encodeFrames", () => {
  it("a pair of 128 x 64 frames is one group of 2 x 4 rows positioned like an image", async () => {
    const [a, b] = [frame(128, 64, 1), frame(128, 64, 2)];
    const pair = await encoder.encodeFrames([a, b]);
    const image = await encoder.encode(a.rgb, a.width, a.height);
    assert.ok(encoder.usesMrope);
    // 128 x 64 pixels = 8 x 4 patches of 16 = 4 x 2 merged: 8 rows for both frames together, not 16
    assert.equal(pair.nTokens, 8);
    assert.equal(pair.embeddings.length, 8 * model.llama.nEmbdInput);
    assert.deepEqual(rows(pair), [
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 1, 1, 1],
      [0, 1, 2, 3, 0, 1, 2, 3],
    ]);
    assert.equal(pair.nPos, 4);
    assert.deepEqual(rows(image), rows(pair));
    assert.ok(maxDiff(pair.embeddings, image.embeddings) > 1e-3, "the second frame changes the rows");
    // a lone frame is the frame repeated, as the processor pads an odd last frame
    const repeated = await encoder.encodeFrames([a, a]);
    const lone = await encoder.encodeFrames([a]);
    assert.deepEqual(repeated.embeddings, image.embeddings);
    assert.deepEqual(lone.embeddings, image.embeddings);
    const again = await encoder.encodeFrames([a, b]);
    assert.deepEqual(again.embeddings, pair.embeddings);
  });

  it("refuses frames of different sizes and groups of other than 1 or 2 frames", async () => {
    const invalid = (e: VisionError) => e.code === "invalid-argument";
    await assert.rejects(encoder.encodeFrames([frame(64, 64, 1), frame(128, 64, 1)]), /share one size/);
    await assert.rejects(
      encoder.encodeFrames([frame(64, 64, 1), frame(64, 64, 2), frame(64, 64, 3)]),
      invalid,
    );
    await assert.rejects(encoder.encodeFrames([]), invalid);
  });

  it("a clip's groups from readVideoFrames encode to grid rows each", async () => {
    // 8 frames at 4 fps, 128 x 64: 4 frames kept at 128 x 64, two groups of 4 x 2 rows
    const video = await readVideoFrames(greyClip({ frames: 8, fps: 4, width: 128, height: 64 }));
    const groups = await Promise.all(temporalGroups(video).map((g) => encoder.encodeFrames(g)));
    assert.deepEqual(
      groups.map((g) => [g.nTokens, g.nPos]),
      [
        [8, 4],
        [8, 4],
      ],
    );
    assert.deepEqual(video.timestamps, [0.25, 1.5]);
  });
});
