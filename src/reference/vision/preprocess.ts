/**
 * @module reference/vision/preprocess
 * Qwen2-VL's image processor, which Qwen3-VL and Qwen3.5 use (HF `image_processing_qwen2_vl.py` /
 * `image_processing_pil_qwen2_vl.py`): `smart_resize` the image to multiples of patch_size *
 * merge_size within [min_pixels, max_pixels], resize (Pillow bicubic, resize.ts; skipped when the size
 * already fits), rescale by 1/255, normalise per channel with image_mean / image_std, repeat the last
 * frame up to a multiple of temporal_patch_size (a still image becomes two identical frames), and
 * flatten into patches.
 *
 * Patch order, checked against HF's reshape (grid_t, T, C, gh/m, m, p, gw/m, m, p) then transpose
 * (0, 3, 6, 4, 7, 2, 1, 5, 8): patches run over temporal group, merged row, merged column, row within
 * the m x m window, column within it, so the m^2 patches of one merged token are consecutive; each
 * patch row holds C * T * p * p values in (channel, frame, y, x) order, the flattening of the
 * Conv3d weight [hidden, C, T, p, p]. The grid returned is in patches (HF `image_grid_thw`).
 * Arithmetic is float64 throughout; HF rescales and normalises in float32 (differences ~1e-7).
 */
import type { PreprocessorConfig } from "../../checkpoint/index.js";
import { type RgbImage, resizeBicubic, smartResize } from "../../vision/index.js";

/** Flattened patches of one image or video, in HF's order, and the patch grid (HF `image_grid_thw`). */
export interface PixelPatches {
  /** One row of in_channels * temporal_patch_size * patch_size^2 values per patch. */
  pixelPatches: Float64Array[];
  gridT: number;
  gridH: number;
  gridW: number;
}

/** One image through HF's pipeline: smart_resize, bicubic resize, rescale, normalise, two frames, patches. */
export function preprocessImage(image: RgbImage, pp: PreprocessorConfig): PixelPatches {
  const { width, height } = image;
  if (image.rgb.length !== width * height * 3) {
    throw new Error(`preprocess: ${image.rgb.length} bytes are not ${width} x ${height} RGB`);
  }
  const [h, w] = pp.do_resize
    ? smartResize(height, width, pp.patch_size * pp.merge_size, pp.min_pixels, pp.max_pixels)
    : [height, width];
  const resized = h === height && w === width ? image : resizeBicubic(image, w, h);
  return patchify([normalise(resized, pp)], h, w, pp);
}

/** An RGB image as channel-first planes [3, h, w] of float64, rescaled and normalised as configured. */
export function normalise(image: RgbImage, pp: PreprocessorConfig): Float64Array {
  const n = image.width * image.height;
  const out = new Float64Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const [mean, std] = [pp.image_mean[c], pp.image_std[c]];
    for (let i = 0; i < n; i++) {
      let v = image.rgb[i * 3 + c];
      if (pp.do_rescale) v *= pp.rescale_factor;
      if (pp.do_normalize) v = (v - mean) / std;
      out[c * n + i] = v;
    }
  }
  return out;
}

/**
 * Frames (channel-first planes [3, height, width], already resized and normalised) to patches in HF's
 * order; the last frame is repeated up to a multiple of temporal_patch_size.
 */
export function patchify(
  frames: Float64Array[],
  height: number,
  width: number,
  pp: PreprocessorConfig,
): PixelPatches {
  const { patch_size: p, merge_size: m, temporal_patch_size: T } = pp;
  if (height % (p * m) !== 0 || width % (p * m) !== 0) {
    throw new Error(`patchify: ${height} x ${width} is not a multiple of patch_size * merge_size = ${p * m}`);
  }
  if (frames.length === 0) throw new Error("patchify: no frames");
  const n = height * width;
  const C = frames[0].length / n;
  if (frames.some((f) => f.length !== C * n) || !Number.isInteger(C)) {
    throw new Error(`patchify: every frame must hold C x ${height} x ${width} values`);
  }
  const padded = [...frames];
  while (padded.length % T !== 0) padded.push(frames[frames.length - 1]);
  const [gridT, gridH, gridW] = [padded.length / T, height / p, width / p];

  const pixelPatches: Float64Array[] = [];
  for (let g = 0; g < gridT; g++) {
    for (let k = 0; k < gridH * gridW; k++) {
      const [row, col] = patchCell(k, gridW, m);
      const patch = new Float64Array(C * T * p * p);
      let at = 0;
      for (let c = 0; c < C; c++) {
        for (let t = 0; t < T; t++) {
          const frame = padded[g * T + t];
          for (let y = 0; y < p; y++) {
            for (let x = 0; x < p; x++) patch[at++] = frame[c * n + (row * p + y) * width + col * p + x];
          }
        }
      }
      pixelPatches.push(patch);
    }
  }
  return { pixelPatches, gridT, gridH, gridW };
}

/**
 * The (row, col) in the patch grid of patch `k` within one temporal group, in merge-window order:
 * k = ((mergedRow * gridW/m + mergedCol) * m + rowInWindow) * m + colInWindow.
 */
export function patchCell(k: number, gridW: number, m: number): [row: number, col: number] {
  const window = Math.floor(k / (m * m));
  const within = k % (m * m);
  const mergedW = gridW / m;
  const row = Math.floor(window / mergedW) * m + Math.floor(within / m);
  const col = (window % mergedW) * m + (within % m);
  return [row, col];
}
