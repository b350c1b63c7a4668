/**
 * @module A stand-in vision encoder for server tests: token rows on a 32-pixel grid (Qwen3.5's 16-pixel
 * patches merged 2 x 2), positions (0, row, col) and span max(rows, cols), so the expected prompt count of
 * an image or a frame group is known. It logs each call.
 */
import type { RioModel } from "../../src/engine/index.js";
import type { EncodedImage, ImageEncoder } from "../../src/vision/index.js";

/** The grid encoder over `model()`'s embedding rows from `firstRow`; `calls` gets one line per call. */
export function gridEncoder(model: () => RioModel, firstRow: number, calls: string[] = []): ImageEncoder {
  const block = (width: number, height: number): EncodedImage => {
    const [gh, gw] = [Math.ceil(height / 32), Math.ceil(width / 32)];
    const n = gh * gw;
    const size = model().embeddings.hiddenSize;
    const embeddings = new Float32Array(n * size);
    const positions = new Int32Array(3 * n);
    for (let i = 0; i < n; i++) {
      embeddings.set(model().embeddings.row(firstRow + i), i * size);
      positions[n + i] = Math.floor(i / gw);
      positions[2 * n + i] = i % gw;
    }
    return { nTokens: n, width: size, embeddings, positions, nPos: Math.max(gh, gw) };
  };
  return {
    async encode(_rgb, width, height) {
      calls.push(`image ${width}x${height}`);
      return block(width, height);
    },
    async encodeFrames(frames) {
      calls.push(`${frames.length} frames ${frames[0].width}x${frames[0].height}`);
      return block(frames[0].width, frames[0].height);
    },
    close() {},
    usesMrope: true,
  };
}
