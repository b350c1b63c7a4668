/**
 * @module HF's image sizing for Qwen-VL vision towers (Qwen2-VL's image processor, which Qwen3-VL and
 * Qwen3.5 use): `smart_resize` picks a size in multiples of patch * merge within the pixel bounds, and
 * Pillow's bicubic resize (`Image.resize(size, Image.BICUBIC)`, libImaging Resample.c) gets the image
 * there, as HF's PIL processor does. Rio sizes images this way before libmtmd sees them, so libmtmd's own
 * sizing (padding to its multiple) has nothing left to do and the pixels are HF's; the float64 reference
 * uses the same functions (plain integer and float64 arithmetic: there is no faster path to check).
 *
 * The resize, ported from Pillow's algorithm and cross-read against llama.cpp's port
 * (tools/mtmd/mtmd-image.cpp `resize_pillow`):
 * - separable: a horizontal pass, rounded and clipped to uint8, then a vertical pass; a dimension whose
 *   size does not change is not resampled;
 * - cubic kernel with a = -0.5 (not PyTorch's -0.75), widened by the scale when shrinking (support
 *   2 * max(in/out, 1)), sampled at pixel centres ((x + 0.5) * in/out), normalised to sum 1;
 * - weights in 22-bit fixed point (round half away from zero), accumulators start at 2^21 so the
 *   final shift rounds.
 * Not run against Pillow here (no Pillow on this machine); HF's torchvision backend resizes with
 * antialiased bicubic, which aims at the same result but may differ by 1 in a few pixels.
 */
import type { RgbImage } from "./image-decode.js";

/** Python's round(): halves go to the even neighbour (round(2.5) = 2), unlike Math.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * HF `smart_resize` (current transformers): [height, width] rounded to multiples of `factor`, then
 * scaled down (floor, at least `factor`) when the area exceeds maxPixels or up (ceil) when it is below
 * minPixels, keeping the aspect ratio as closely as the rounding allows.
 * @example smartResize(80, 112, 32, 32 * 32, 1 << 20) // [64, 128]: round(2.5) = 2, round(3.5) = 4
 */
export function smartResize(
  height: number,
  width: number,
  factor: number,
  minPixels: number,
  maxPixels: number,
): [number, number] {
  if (Math.max(height, width) / Math.min(height, width) > 200) {
    throw new Error(`smart_resize: absolute aspect ratio must be at most 200, got ${height} x ${width}`);
  }
  let h = roundHalfEven(height / factor) * factor;
  let w = roundHalfEven(width / factor) * factor;
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = Math.max(factor, Math.floor(height / beta / factor) * factor);
    w = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = Math.ceil((height * beta) / factor) * factor;
    w = Math.ceil((width * beta) / factor) * factor;
  }
  if (h === 0 || w === 0) throw new Error(`smart_resize: ${height} x ${width} rounds to ${h} x ${w}`);
  return [h, w];
}

const PRECISION_BITS = 32 - 8 - 2;

/** Pillow's BICUBIC filter, a = -0.5, support 2. */
function bicubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Per output pixel: first input pixel, and fixed-point weights of the input pixels it reads. */
interface Taps {
  first: number;
  weights: Int32Array;
}

/** Pillow `precompute_coeffs` for one dimension, converted to fixed point as `normalize_coeffs_8bpc`. */
function taps(inSize: number, outSize: number): Taps[] {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const ss = 1 / filterScale;
  return Array.from({ length: outSize }, (_, xx) => {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    const w = Array.from({ length: xmax - xmin }, (_, x) => bicubic((x + xmin - center + 0.5) * ss));
    const sum = w.reduce((s, v) => s + v, 0);
    const weights = Int32Array.from(w, (v) => {
      const k = sum === 0 ? v : v / sum;
      return Math.trunc(k * 2 ** PRECISION_BITS + (k < 0 ? -0.5 : 0.5));
    });
    return { first: xmin, weights };
  });
}

/** Fixed-point sum of `n` samples read by `at(i)` with `weights`, rounded and clipped to 0..255. */
function convolve(weights: Int32Array, at: (i: number) => number): number {
  let acc = 2 ** (PRECISION_BITS - 1);
  for (let i = 0; i < weights.length; i++) acc += at(i) * weights[i];
  return Math.min(255, Math.max(0, Math.floor(acc / 2 ** PRECISION_BITS)));
}

/** Pillow-exact bicubic resize of `image` to `width` x `height`. */
export function resizeBicubic(image: RgbImage, width: number, height: number): RgbImage {
  const { rgb, width: w0, height: h0 } = image;
  if (rgb.length !== w0 * h0 * 3) throw new Error(`resize: ${rgb.length} bytes are not ${w0} x ${h0} RGB`);
  if (width < 1 || height < 1) throw new Error(`resize: bad target size ${width} x ${height}`);
  let cur: RgbImage = image;
  if (width !== w0) {
    const kx = taps(w0, width);
    const out = new Uint8Array(width * h0 * 3);
    for (let y = 0; y < h0; y++) {
      for (let x = 0; x < width; x++) {
        const { first, weights } = kx[x];
        for (let c = 0; c < 3; c++) {
          out[(y * width + x) * 3 + c] = convolve(weights, (i) => rgb[(y * w0 + first + i) * 3 + c]);
        }
      }
    }
    cur = { rgb: out, width, height: h0 };
  }
  if (height !== h0) {
    const ky = taps(h0, height);
    const src = cur.rgb;
    const out = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      const { first, weights } = ky[y];
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          out[(y * width + x) * 3 + c] = convolve(weights, (i) => src[((first + i) * width + x) * 3 + c]);
        }
      }
    }
    cur = { rgb: out, width, height };
  }
  return cur;
}
