/**
 * @module PNG and JPEG bytes to 8-bit RGB pixels, in plain JavaScript (pngjs, jpeg-js): the pixels the
 * vision encoder takes. The size is checked from the header before any pixel is decoded, so a small file
 * that claims a huge image is refused without allocating it. Alpha is dropped, as PIL's convert("RGB")
 * does for Qwen's image processor.
 */
import jpeg from "jpeg-js";
import { PNG } from "pngjs";

/** Decoded pixels: width * height * 3 bytes, row by row. */
export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Why an image was refused: bytes that are no image Rio reads, or an image beyond the pixel limit. */
export class ImageInputError extends Error {
  constructor(
    message: string,
    readonly code: "undecodable" | "too-large",
  ) {
    super(message);
    this.name = "ImageInputError";
  }
}

/** Most pixels an image may have by default (a 6000 x 4000 photo is 24M). */
export const MAX_IMAGE_PIXELS = 32 * 2 ** 20;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The image format of `bytes` from its first bytes, or undefined. */
export function imageFormat(bytes: Uint8Array): "png" | "jpeg" | undefined {
  if (PNG_MAGIC.every((b, i) => bytes[i] === b)) return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return undefined;
}

/**
 * Decodes a PNG or JPEG.
 * @throws ImageInputError ("undecodable" with what was wrong, or "too-large" with the numbers)
 * @example
 * const { rgb, width, height } = decodeImage(readFileSync("cat.png"));
 */
export function decodeImage(bytes: Uint8Array, maxPixels = MAX_IMAGE_PIXELS): RgbImage {
  const format = imageFormat(bytes);
  if (!format)
    throw new ImageInputError(
      `not a PNG or JPEG image (it starts with bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")})`,
      "undecodable",
    );
  return format === "png" ? decodePng(bytes, maxPixels) : decodeJpeg(bytes, maxPixels);
}

function checkSize(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0))
    throw new ImageInputError(`the image claims a size of ${width} x ${height}`, "undecodable");
  if (width * height > maxPixels)
    throw new ImageInputError(
      `the image is ${width} x ${height} = ${width * height} pixels; at most ${maxPixels} are accepted`,
      "too-large",
    );
}

function decodePng(bytes: Uint8Array, maxPixels: number): RgbImage {
  // IHDR is always the first chunk: width and height are big-endian at bytes 16 and 20
  if (bytes.length < 24) throw new ImageInputError("truncated PNG (no IHDR chunk)", "undecodable");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkSize(view.getUint32(16), view.getUint32(20), maxPixels);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ImageInputError(`undecodable PNG: ${(error as Error).message}`, "undecodable");
  }
  return dropAlpha(png.data, png.width, png.height);
}

function decodeJpeg(bytes: Uint8Array, maxPixels: number): RgbImage {
  let image: { width: number; height: number; data: Uint8Array };
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 8) / 2 ** 20) + 64,
    });
  } catch (error) {
    const message = (error as Error).message;
    if (/maxResolutionInMP/.test(message))
      throw new ImageInputError(`the JPEG is larger than ${maxPixels} pixels: ${message}`, "too-large");
    throw new ImageInputError(`undecodable JPEG: ${message}`, "undecodable");
  }
  checkSize(image.width, image.height, maxPixels);
  return dropAlpha(image.data, image.width, image.height);
}

function dropAlpha(rgba: Uint8Array, width: number, height: number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j];
    rgb[i + 1] = rgba[j + 1];
    rgb[i + 2] = rgba[j + 2];
  }
  return { rgb, width, height };
}
