// HF's Qwen2-VL image processor as the reference implements it: smart_resize, patch order, normalisation, resize.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type PreprocessorConfig, parsePreprocessorConfig } from "../../src/checkpoint/index.js";
import { normalise, patchCell, patchify, preprocessImage } from "../../src/reference/index.js";
import { resizeBicubic, roundHalfEven, smartResize } from "../../src/vision/index.js";
import { PREPROCESSOR, transposeNd } from "./vision-fixture.js";

const RAW: PreprocessorConfig = parsePreprocessorConfig(
  { ...PREPROCESSOR, do_rescale: false, do_normalize: false },
  "preprocessor_config.json",
);

describe("smart_resize", () => {
  it("rounds each side to a multiple of the factor, halves to even as Python's round()", () => {
    assert.deepEqual(smartResize(64, 96, 32, 0, 1 << 20), [64, 96]);
    // 80 / 32 = 2.5 -> 2 and 112 / 32 = 3.5 -> 4 (Math.round would give 96 x 128)
    assert.deepEqual(smartResize(80, 112, 32, 32 * 32, 1 << 20), [64, 128]);
    assert.deepEqual(
      [roundHalfEven(2.5), roundHalfEven(3.5), roundHalfEven(-2.5), roundHalfEven(2.4)],
      [2, 4, -2, 2],
    );
    // Qwen2-VL defaults (factor 28, 56 * 56 .. 28 * 28 * 1280): a 224 x 224 image is left alone
    assert.deepEqual(smartResize(224, 224, 28, 56 * 56, 28 * 28 * 1280), [224, 224]);
  });

  it("scales down with floor past max_pixels, keeping at least one factor per side", () => {
    // 992 x 512 > 65536: beta = sqrt(500000 / 65536) = 2.7621; 1000 / beta / 32 = 11.31 -> 352, 500 / beta / 32 = 5.66 -> 160
    assert.deepEqual(smartResize(1000, 500, 32, 0, 65536), [352, 160]);
    // beta = sqrt(256000 / 4096) = 7.906: 6400 / beta / 32 = 25.3 -> 800; 40 / beta / 32 = 0.16 -> 0 -> max(32, 0)
    assert.deepEqual(smartResize(6400, 40, 32, 0, 4096), [800, 32]);
  });

  it("scales up with ceil below min_pixels, and refuses an aspect ratio over 200", () => {
    // 32 x 64 < 65536: beta = sqrt(65536 / 2400) = 5.2256; 40 beta / 32 = 6.53 -> 224, 60 beta / 32 = 9.80 -> 320
    assert.deepEqual(smartResize(40, 60, 32, 65536, 1 << 24), [224, 320]);
    assert.throws(() => smartResize(10, 2010, 32, 0, 1 << 24), /aspect ratio/);
  });

  it("reads min/max pixels from size.shortest_edge/longest_edge, overridden by min_pixels/max_pixels", () => {
    const a = parsePreprocessorConfig({ size: { shortest_edge: 65536, longest_edge: 16777216 } }, "p.json");
    assert.deepEqual(
      [a.min_pixels, a.max_pixels, a.patch_size, a.image_mean[0]],
      [65536, 16777216, 14, 0.48145466],
    );
    const b = parsePreprocessorConfig(
      { size: { shortest_edge: 1, longest_edge: 2 }, min_pixels: 3, max_pixels: 4 },
      "p.json",
    );
    assert.deepEqual([b.min_pixels, b.max_pixels], [3, 4]);
    const c = parsePreprocessorConfig({ size: { min_pixels: 5, max_pixels: 6 } }, "p.json");
    assert.deepEqual([c.min_pixels, c.max_pixels], [5, 6]);
  });
});

describe("patch order", () => {
  it("lists the 2 x 2 patches of each merged token consecutively, merged tokens row-major", () => {
    // a 4 x 8 patch grid (merged 2 x 4)
    const cells = Array.from({ length: 10 }, (_, k) => patchCell(k, 8, 2));
    assert.deepEqual(cells, [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1], // merged (0, 0)
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3], // merged (0, 1)
      [0, 4],
      [0, 5],
    ]);
    assert.deepEqual(patchCell(16, 8, 2), [2, 0]); // merged (1, 0)
    assert.deepEqual(patchCell(31, 8, 2), [3, 7]);
  });

  it("equals HF's reshape (t, T, C, gh/m, m, p, gw/m, m, p) -> transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)", () => {
    // three frames of 3 x 8 x 16 whose values encode (frame, channel, y, x); the third is repeated to make 4
    const [H, W, p, m, T, C] = [8, 16, 4, 2, 2, 3];
    const code = (f: number, c: number, y: number, x: number) => f * 1e6 + c * 1e4 + y * 100 + x;
    const frame = (f: number) =>
      Float64Array.from({ length: C * H * W }, (_, i) =>
        code(f, Math.floor(i / (H * W)), Math.floor(i / W) % H, i % W),
      );
    const frames = [frame(0), frame(1), frame(2)];
    const { pixelPatches, gridT, gridH, gridW } = patchify(frames, H, W, RAW);
    assert.deepEqual([gridT, gridH, gridW], [2, 2, 4]);

    const padded = [...frames, frames[2]].flatMap((f) => [...f]);
    const shape = [gridT, T, C, gridH / m, m, p, gridW / m, m, p];
    const hf = transposeNd(padded, shape, [0, 3, 6, 4, 7, 2, 1, 5, 8]);
    assert.deepEqual(
      pixelPatches.flatMap((r) => [...r]),
      hf,
    );
    // and by hand: patch 2 of group 1 is grid cell (1, 0); its value (c=1, t=1, y=2, x=3) is frame 3 = frame 2
    assert.equal(
      pixelPatches[gridH * gridW + 2][1 * T * p * p + 1 * p * p + 2 * p + 3],
      code(2, 1, 1 * p + 2, 0 * p + 3),
    );
  });

  it("a still image becomes two identical frames, rescaled by 1/255 and normalised per channel", () => {
    const [width, height] = [8, 16];
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
    const pp = parsePreprocessorConfig(
      { ...PREPROCESSOR, image_mean: [0.5, 0.25, 0], image_std: [0.5, 2, 1] },
      "p.json",
    );
    const { pixelPatches, gridT, gridH, gridW } = preprocessImage({ rgb, width, height }, pp);
    assert.deepEqual([gridT, gridH, gridW], [1, 4, 2]);
    const p = 4;
    // patch 3 is cell (1, 1); its (c, y, x) = (1, 2, 3) is pixel (row 6, col 7)
    const v = rgb[(6 * width + 7) * 3 + 1];
    const patch = pixelPatches[3];
    assert.equal(patch[1 * 2 * p * p + 0 * p * p + 2 * p + 3], (v / 255 - 0.25) / 2);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < p * p; i++) assert.equal(patch[(c * 2 + 1) * p * p + i], patch[c * 2 * p * p + i]);
    }
    // channel-first planes
    assert.equal(normalise({ rgb, width, height }, RAW)[2 * width * height + 5], rgb[5 * 3 + 2]);
  });
});

describe("bicubic resize (Pillow)", () => {
  const row = (values: number[]) => ({
    rgb: Uint8Array.from(values.flatMap((v) => [v, v, v])),
    width: values.length,
    height: 1,
  });

  it("does nothing at the same size and keeps a constant image constant", () => {
    const img = { rgb: Uint8Array.from({ length: 5 * 7 * 3 }, (_, i) => i % 251), width: 5, height: 7 };
    assert.equal(resizeBicubic(img, 5, 7), img);
    const flat = { rgb: new Uint8Array(6 * 6 * 3).fill(200), width: 6, height: 6 };
    for (const [w, h] of [
      [3, 4],
      [9, 11],
      [6, 2],
    ]) {
      assert.ok(
        resizeBicubic(flat, w, h).rgb.every((v) => v === 200),
        `${w} x ${h}`,
      );
    }
  });

  it("halves a row with the widened a = -0.5 kernel, on a hand case", () => {
    // 4 -> 2: support 4, taps at (x - center + 0.5) / 2 for x = 0..3; output 0 (center 1) weighs k(-0.25),
    // k(0.25), k(0.75), k(1.25) = 0.8672, 0.8672, 0.2266, -0.0703 (sum 1.8906): 255 (0.2266 - 0.0703) / 1.8906 = 21.07
    // output 1 (center 3) mirrors it: 255 (2 * 0.8672) / 1.8906 = 233.93
    assert.deepEqual([...resizeBicubic(row([0, 0, 255, 255]), 2, 1).rgb], [21, 21, 21, 234, 234, 234]);
  });
});
