/**
 * @module ImageEncoder: one RGB image (or a video's pair of frames) in, the text model's input embedding
 * rows and their M-RoPE positions out, computed by libmtmd (llama.cpp's vision towers and projectors)
 * from an mmproj GGUF. The rest of Rio sees only the typed interface; the native calls run off the event
 * loop.
 */
import { existsSync, statSync } from "node:fs";
import koffi from "koffi";
import { ggufMetadataValue, readGguf } from "../checkpoint/index.js";
import { type LlamaModel, physicalCores } from "../llama/index.js";
import { VisionError } from "./errors.js";
import type { RgbImage } from "./image-decode.js";
import { type ImageSizing, sizeImage, tokenBounds } from "./image-sizing.js";
import type { MtmdApi } from "./native/ffi.js";
import { loadMtmd, type MtmdLibrary } from "./native/mtmd-library.js";
import { CHUNK_TYPE, type DecoderPos } from "./native/structs.js";

/** One encoded image. */
export interface EncodedImage {
  /** Embedding rows the image occupies in the prompt. */
  nTokens: number;
  /** Floats per row: llama_model_n_embd_inp of the text model (hidden size, plus deepstack channels). */
  width: number;
  /** nTokens × width floats, row-major, ready for LlamaContext.decodeEmbeddings. */
  embeddings: Float32Array;
  /**
   * 3 × nTokens positions as offsets from the image's first position: row 0 the temporal index t,
   * row 1 the height index y, row 2 the width index x (mtmd_image_tokens_get_decoder_pos(tokens, 0, i)).
   * For a model without M-RoPE all three rows are 0, 1, 2, ….
   */
  positions: Int32Array;
  /**
   * Positions the image advances the sequence by (mtmd_input_chunk_get_n_pos): for M-RoPE the largest
   * extent of its t, h, w grid (e.g. 4 for a 4 × 3 grid of 12 tokens), else nTokens.
   */
  nPos: number;
}

/** Encodes images for one text model; encode calls are served one at a time. */
export interface ImageEncoder {
  /**
   * Encodes an RGB image of `width` × `height` pixels (`rgb` holds width*height*3 bytes, row by row).
   * Only the image rows come back: the model's image-start / image-end tokens are the caller's to add.
   */
  encode(rgb: Uint8Array, width: number, height: number): Promise<EncodedImage>;
  /**
   * Encodes one temporal group of a video: two consecutive frames of one size, which the vision tower
   * merges (temporal_patch_size 2) into one block of gridH × gridW rows positioned like an image. One
   * frame is encoded as itself repeated, as Qwen's processor pads a video's odd last frame.
   */
  encodeFrames(frames: readonly RgbImage[]): Promise<EncodedImage>;
  /** Frees the native context (after an encode in flight finishes); later encodes reject. */
  close(): void;
  /** Whether the text model expects M-RoPE positions (t, y, x rows) for these embeddings. */
  readonly usesMrope: boolean;
}

/** Options of openImageEncoder. */
export interface ImageEncoderOptions {
  /** The mmproj GGUF (general.architecture "clip") holding the vision tower and projector. */
  mmprojPath: string;
  /** The loaded text model the embeddings are for; it must outlive the encoder. */
  model: LlamaModel;
  /** CPU threads for the vision tower (default: physical cores). */
  threads?: number;
  /** Progress of the one-time libmtmd build and of loading. */
  onProgress?: (message: string) => void;
  /**
   * The checkpoint's image sizing (preprocessor_config.json): images are sized as HF's processor sizes
   * them before libmtmd sees them. Without it libmtmd sizes them its own way.
   */
  sizing?: ImageSizing;
}

/** Checks the mmproj's metadata before libmtmd sees it: clip aborts the process on some bad files. */
function checkMmproj(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile())
    throw new VisionError(`mmproj file ${path} does not exist`, "mmproj-load-failed", path);
  let file: ReturnType<typeof readGguf>;
  try {
    file = readGguf(path);
  } catch (e) {
    throw new VisionError(
      `mmproj ${path} is not a readable GGUF: ${(e as Error).message}`,
      "mmproj-load-failed",
      path,
    );
  }
  const arch = ggufMetadataValue(file, "general.architecture");
  if (arch !== "clip")
    throw new VisionError(
      `${path} is not an mmproj: general.architecture is ${JSON.stringify(arch)}, expected "clip" ` +
        "(a text model GGUF was given as the projector?)",
      "mmproj-load-failed",
      path,
    );
  if (ggufMetadataValue(file, "clip.has_vision_encoder") !== true)
    throw new VisionError(
      `mmproj ${path} has no vision tower (clip.has_vision_encoder is not true); it cannot encode images`,
      "no-vision",
      path,
    );
}

/**
 * Opens an image encoder: loads libmtmd (building it on first use), checks and loads the mmproj against
 * `model`, and runs libmtmd's warm-up pass. Throws a VisionError naming the problem: a missing or non-mmproj
 * file, a projector without a vision tower, or an embedding width that does not fit the text model.
 *
 * @example
 * const encoder = await openImageEncoder({ mmprojPath: "mmproj.gguf", model });
 * const image = await encoder.encode(rgb, 640, 480);
 * // image.embeddings: image.nTokens rows of model.nEmbdInput floats
 */
export async function openImageEncoder(opts: ImageEncoderOptions): Promise<ImageEncoder> {
  const threads = opts.threads ?? physicalCores();
  if (!Number.isInteger(threads) || threads < 1)
    throw new VisionError(`threads = ${threads}; expected a positive integer`, "invalid-argument");
  checkMmproj(opts.mmprojPath);
  const modelHandle = opts.model.nativeHandle;
  const lib = await loadMtmd({ onProgress: opts.onProgress });
  opts.onProgress?.(`loading mmproj ${opts.mmprojPath}`);
  const params = lib.defaults();
  params.n_threads = threads;
  params.print_timings = false;
  if (opts.sizing) {
    const bounds = tokenBounds(opts.sizing);
    params.image_min_tokens = bounds.min;
    params.image_max_tokens = bounds.max;
  }
  const mark = lib.log.mark();
  const ctx = await new Promise<unknown>((resolve, reject) =>
    lib.api.mtmd_init_from_file.async(opts.mmprojPath, modelHandle, params, (err: unknown, res: unknown) =>
      err ? reject(err) : resolve(res),
    ),
  );
  if (!ctx)
    throw new VisionError(
      `libmtmd could not load mmproj ${opts.mmprojPath} for text model ${opts.model.path}: ` +
        (lib.log.errorsSince(mark) || "no reason logged (RIO_LLAMA_LOG=1 shows libmtmd's log)"),
      "mmproj-load-failed",
      opts.mmprojPath,
    );
  if (!lib.api.mtmd_support_vision(ctx)) {
    lib.api.mtmd_free(ctx);
    throw new VisionError(`mmproj ${opts.mmprojPath} has no vision encoder`, "no-vision", opts.mmprojPath);
  }
  return new MtmdImageEncoder(lib, ctx, opts.model, opts.sizing);
}

function modelAlive(model: LlamaModel): boolean {
  try {
    return model.nativeHandle !== undefined;
  } catch {
    return false;
  }
}

/** Promise wrapper of a koffi `.async` call. */
function callAsync<T>(fn: { async: (...args: unknown[]) => void }, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) =>
    fn.async(...args, (err: unknown, res: T) => (err ? reject(err) : resolve(res))),
  );
}

class MtmdImageEncoder implements ImageEncoder {
  readonly usesMrope: boolean;
  private readonly api: MtmdApi;
  private readonly width: number;
  private ctx: unknown;
  private closed = false;
  private pending = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly lib: MtmdLibrary,
    ctx: unknown,
    private readonly model: LlamaModel,
    private readonly sizing: ImageSizing | undefined,
  ) {
    this.api = lib.api;
    this.ctx = ctx;
    this.usesMrope = this.api.mtmd_decode_use_mrope(ctx) as boolean;
    this.width = model.nEmbdInput;
  }

  encode(rgb: Uint8Array, width: number, height: number): Promise<EncodedImage> {
    const image = { rgb, width, height };
    try {
      this.check(rgb, width, height);
    } catch (e) {
      return Promise.reject(e);
    }
    // a video's frames come sized by its sampler; a still image is sized here, as HF's processor does
    return this.enqueue([this.sizing ? sizeImage(image, this.sizing) : image]);
  }

  encodeFrames(frames: readonly RgbImage[]): Promise<EncodedImage> {
    if (frames.length !== 1 && frames.length !== 2)
      return Promise.reject(
        new VisionError(
          `encodeFrames: ${frames.length} frames; a temporal group has 1 or 2`,
          "invalid-argument",
        ),
      );
    const [a, b] = frames;
    if (b && (b.width !== a.width || b.height !== a.height))
      return Promise.reject(
        new VisionError(
          `encodeFrames: frames of ${a.width}x${a.height} and ${b.width}x${b.height}; a group's frames share one size`,
          "invalid-argument",
        ),
      );
    return this.enqueue(frames);
  }

  private enqueue(frames: readonly RgbImage[]): Promise<EncodedImage> {
    try {
      for (const f of frames) this.check(f.rgb, f.width, f.height);
    } catch (e) {
      return Promise.reject(e);
    }
    this.pending++;
    const run = this.queue.then(() => this.encodeNow(frames));
    this.queue = run.then(
      () => this.settled(),
      () => this.settled(),
    );
    return run;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pending === 0) this.free();
  }

  private settled(): void {
    this.pending--;
    if (this.closed && this.pending === 0) this.free();
  }

  private free(): void {
    if (this.ctx) this.api.mtmd_free(this.ctx);
    this.ctx = undefined;
  }

  private check(rgb: Uint8Array, width: number, height: number): void {
    if (this.closed) throw new VisionError("the image encoder has been closed", "closed");
    for (const [name, v] of [
      ["width", width],
      ["height", height],
    ] as const)
      if (!Number.isInteger(v) || v < 1 || v > 0xffffffff)
        throw new VisionError(`encode: ${name} = ${v}; expected a positive integer`, "invalid-argument");
    if (!(rgb instanceof Uint8Array))
      throw new VisionError("encode: rgb must be a Uint8Array of RGB bytes", "invalid-argument");
    if (rgb.length !== width * height * 3)
      throw new VisionError(
        `encode: rgb has ${rgb.length} bytes; expected width*height*3 = ${width}*${height}*3 = ${width * height * 3}`,
        "invalid-argument",
      );
  }

  private async encodeNow(frames: readonly RgbImage[]): Promise<EncodedImage> {
    if (this.closed || !this.ctx) throw new VisionError("the image encoder has been closed", "closed");
    // mtmd keeps the model's vocabulary pointer: refuse to run once the model is freed
    if (!modelAlive(this.model))
      throw new VisionError(
        `the text model ${this.model.path} of this image encoder has been freed`,
        "closed",
      );
    const { api, ctx } = this;
    const { width, height } = frames[0];
    const what = frames.length === 1 ? "image" : "frame pair";
    const mark = this.lib.log.mark();
    const failed = (message: string) =>
      new VisionError(
        `${message} (${width}x${height} ${what}): ${this.lib.log.errorsSince(mark) || "no reason logged"}`,
        "encode-failed",
      );
    const bitmaps: unknown[] = [];
    const chunks = api.mtmd_input_chunks_init();
    try {
      for (const frame of frames) {
        const bitmap = api.mtmd_bitmap_init(frame.width, frame.height, frame.rgb);
        if (!bitmap) throw failed("mtmd_bitmap_init failed");
        bitmaps.push(bitmap);
        // a frame pair goes in as two adjacent mergeable bitmaps: mtmd_tokenize makes them one chunk
        if (frames.length > 1) api.mtmd_bitmap_set_mergeable(bitmap, true);
      }
      const marker = this.lib.marker.repeat(frames.length);
      const text = {
        text: marker,
        text_len: Buffer.byteLength(marker),
        add_special: false,
        parse_special: true,
      };
      const rc = await callAsync<number>(api.mtmd_tokenize, ctx, chunks, text, bitmaps, bitmaps.length);
      if (rc === 2) throw failed(`libmtmd could not preprocess the ${what}`);
      if (rc !== 0) throw failed(`mtmd_tokenize returned ${rc}`);
      const images = this.imageChunks(chunks);
      if (images.length !== 1)
        throw failed(
          `mtmd_tokenize made ${images.length} image chunks of ${frames.length} frame(s)` +
            (frames.length > 1 ? ": this vision tower does not merge video frames" : ""),
        );
      const chunk = images[0];
      const nTokens = Number(api.mtmd_input_chunk_get_n_tokens(chunk));
      const nPos = api.mtmd_input_chunk_get_n_pos(chunk) as number;
      const encoded = await callAsync<number>(api.mtmd_encode_chunk, ctx, chunk);
      if (encoded !== 0) throw failed(`mtmd_encode_chunk returned ${encoded}`);
      const out = api.mtmd_get_output_embd(ctx);
      if (!out) throw failed("mtmd_get_output_embd returned NULL");
      const embeddings = new Float32Array(koffi.view(out, nTokens * this.width * 4)).slice();
      const positions = this.positions(api.mtmd_input_chunk_get_tokens_image(chunk), nTokens);
      return { nTokens, width: this.width, embeddings, positions, nPos };
    } finally {
      api.mtmd_input_chunks_free(chunks);
      for (const bitmap of bitmaps) api.mtmd_bitmap_free(bitmap);
    }
  }

  private imageChunks(chunks: unknown): unknown[] {
    const n = Number(this.api.mtmd_input_chunks_size(chunks));
    const images: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const chunk = this.api.mtmd_input_chunks_get(chunks, i);
      if (this.api.mtmd_input_chunk_get_type(chunk) === CHUNK_TYPE.IMAGE) images.push(chunk);
    }
    return images;
  }

  /** Rows t, y, x of the decoder positions relative to the image's first position. */
  private positions(imageTokens: unknown, nTokens: number): Int32Array {
    const positions = new Int32Array(3 * nTokens);
    for (let i = 0; i < nTokens; i++) {
      const p = this.api.mtmd_image_tokens_get_decoder_pos(imageTokens, 0, i) as DecoderPos;
      positions[i] = p.t;
      positions[nTokens + i] = p.y;
      positions[2 * nTokens + i] = p.x;
    }
    return positions;
  }
}
