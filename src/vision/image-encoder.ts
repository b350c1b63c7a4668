/**
 * @module The vision encoder as the rest of Rio sees it: RGB pixels in, a block of embedding rows with
 * their M-RoPE positions out (the shape the engine feeds as an image block).
 */

/** One encoded image. */
export interface EncodedImage {
  /** Rows: the image's placeholder tokens in the prompt. */
  nTokens: number;
  /** Floats per row (the text model's input width, llama_model_n_embd_inp). */
  width: number;
  /** nTokens * width floats. */
  embeddings: Float32Array;
  /** 3 * nTokens offsets from the image's first position: temporal, height and width rows. */
  positions: Int32Array;
  /** Positions the image advances the sequence. */
  nPos: number;
}

/** Turns images into embedding blocks for one text model. */
export interface ImageEncoder {
  encode(rgb: Uint8Array, width: number, height: number): Promise<EncodedImage>;
  close(): void;
}
