/**
 * @module Images and videos to the embeddings a multimodal text model takes: decoding PNG and JPEG,
 * sampling video frames (the system's ffmpeg), and the vision encoder behind the ImageEncoder interface
 * (libmtmd, llama.cpp's vision towers, built from the pinned release's source on first use).
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
export {
  readVideoFrames,
  temporalGroups,
  type VideoFrames,
  VideoInputError,
  type VideoInputErrorCode,
  type VideoReadOptions,
} from "./video-frames.js";
export {
  groupTimestamps,
  sampleFrameIndices,
  VIDEO_SAMPLING_DEFAULTS,
  type VideoSampling,
  type VideoSamplingConfig,
  videoFrameSize,
} from "./video-sampling.js";
