/**
 * @module The size an image is encoded at, as the checkpoint's HF image processor picks it: `smart_resize`
 * to multiples of patch * merge within the preprocessor's pixel bounds, reached with Pillow's bicubic.
 * libmtmd would otherwise size Qwen-VL images its own way (within 8..4096 tokens, padding to its
 * multiple), which changes what the model sees; an image Rio has sized is already a multiple and inside
 * the bounds Rio gives libmtmd, so libmtmd leaves it as it is.
 */
import type { PreprocessorConfig } from "../checkpoint/index.js";
import type { RgbImage } from "./image-decode.js";
import { resizeBicubic, smartResize } from "./image-resize.js";

/** The processor's sizing rule. */
export interface ImageSizing {
  /** patch_size * merge_size: one merged token per factor x factor pixels. */
  factor: number;
  minPixels: number;
  maxPixels: number;
}

/** The sizing rule of a parsed preprocessor_config.json. */
export function imageSizingOf(pp: PreprocessorConfig): ImageSizing {
  return { factor: pp.patch_size * pp.merge_size, minPixels: pp.min_pixels, maxPixels: pp.max_pixels };
}

/** The image at the size HF's processor would encode it (the same object when it already has that size). */
export function sizeImage(image: RgbImage, sizing: ImageSizing): RgbImage {
  const [height, width] = smartResize(
    image.height,
    image.width,
    sizing.factor,
    sizing.minPixels,
    sizing.maxPixels,
  );
  return height === image.height && width === image.width ? image : resizeBicubic(image, width, height);
}

/** The token bounds to give libmtmd so that it keeps every size `sizing` can produce. */
export function tokenBounds(sizing: ImageSizing): { min: number; max: number } {
  const area = sizing.factor * sizing.factor;
  return {
    min: Math.max(1, Math.floor(sizing.minPixels / area)),
    max: Math.max(1, Math.ceil(sizing.maxPixels / area)),
  };
}
