/**
 * @module Images on the command line: the session's vision encoder (opened when the model has a vision
 * projector, built on first use) and image files read, decoded and encoded for a message.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadPreprocessorConfig } from "../checkpoint/index.js";
import {
  decodeImage,
  type EncodedImage,
  type ImageEncoder,
  type ImageSizing,
  imageSizingOf,
  openImageEncoder,
} from "../vision/index.js";
import type { Session } from "./session.js";

/** The flag that names a projector for a GGUF whose own is elsewhere. */
export interface VisionFlags {
  mmproj?: string;
  vision?: boolean;
}

/**
 * Opens the vision encoder of the session's model (--mmproj, else the projector converted with the
 * checkpoint or found beside the GGUF) and ties it to the session; undefined when there is none or
 * --no-vision was given. The first use builds libmtmd (about a minute), said on stderr.
 */
export async function openVision(session: Session, flags: VisionFlags): Promise<ImageEncoder | undefined> {
  const mmprojPath = flags.mmproj ?? session.model.mmproj;
  if (flags.vision === false || !mmprojPath) return undefined;
  const encoder = await openImageEncoder({
    mmprojPath,
    model: session.model.llama,
    onProgress: (message) => process.stderr.write(`${message}\n`),
    sizing: checkpointSizing(session.model.source),
  });
  session.encoder = encoder;
  return encoder;
}

// a Hugging Face folder's processor settings; a bare GGUF has none (libmtmd then sizes images itself)
function checkpointSizing(source: string): ImageSizing | undefined {
  const file = path.join(source, "preprocessor_config.json");
  return fs.existsSync(file) ? imageSizingOf(loadPreprocessorConfig(source)) : undefined;
}

/**
 * An image file as the encoder's rows.
 * @throws Error naming the file: missing, not a PNG or JPEG, too large, or a model that takes no images
 */
export async function encodeImageFile(
  encoder: ImageEncoder | undefined,
  file: string,
): Promise<EncodedImage> {
  if (!encoder)
    throw new Error(
      `${file}: this model has no vision tower, so it takes no images (use a Qwen3.5 checkpoint with ` +
        "model.visual.* weights, or give --mmproj FILE for a GGUF)",
    );
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read the image: ${(error as Error).message}`);
  }
  try {
    const image = decodeImage(bytes);
    return await encoder.encode(image.rgb, image.width, image.height);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}
