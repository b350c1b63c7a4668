/**
 * @module Images (and video frames) to the embeddings a multimodal text model takes: decoding PNG and
 * JPEG, and the vision encoder behind the ImageEncoder interface.
 */
export {
  decodeImage,
  ImageInputError,
  imageFormat,
  MAX_IMAGE_PIXELS,
  type RgbImage,
} from "./image-decode.js";
export type { EncodedImage, ImageEncoder } from "./image-encoder.js";
