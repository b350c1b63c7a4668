/**
 * @module Images (and video frames) to the embeddings a multimodal text model takes: decoding PNG and
 * JPEG, and the vision encoder behind the ImageEncoder interface (libmtmd, llama.cpp's vision towers,
 * built from the pinned release's source on first use).
 */
export { VisionError, type VisionErrorCode } from "./errors.js";
export {
  decodeImage,
  ImageInputError,
  imageFormat,
  MAX_IMAGE_PIXELS,
  type RgbImage,
} from "./image-decode.js";
export { resizeBicubic, roundHalfEven, smartResize } from "./image-resize.js";
export { type ImageSizing, imageSizingOf, sizeImage } from "./image-sizing.js";
export {
  type EncodedImage,
  type ImageEncoder,
  type ImageEncoderOptions,
  openImageEncoder,
} from "./mtmd-encoder.js";
export { defaultMtmdCacheDir, type EnsureMtmdOptions, ensureMtmdLibrary } from "./native/build-mtmd.js";
