/**
 * @module vision layer: images (and later video) to input embeddings for the text model, through
 * libmtmd, llama.cpp's multimodal library, built from the pinned llama.cpp source on first use.
 */
export { VisionError, type VisionErrorCode } from "./errors.js";
export {
  type EncodedImage,
  type ImageEncoder,
  type ImageEncoderOptions,
  openImageEncoder,
} from "./mtmd-encoder.js";
export { defaultMtmdCacheDir, type EnsureMtmdOptions, ensureMtmdLibrary } from "./native/build-mtmd.js";
