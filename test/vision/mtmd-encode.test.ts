import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadLlama } from "../../src/llama/index.js";
import { openImageEncoder, type VisionError } from "../../src/vision/index.js";

// Encoding needs a text model GGUF and its mmproj; Rio's tiny vision converter lives elsewhere, so this runs
// only when both are given, e.g. from `rio make-tiny --arch qwen3_5 --vision` + `rio convert`:
//   RIO_TEST_VISION_MODEL=model.gguf RIO_TEST_VISION_MMPROJ=model.mmproj.gguf node --test …
const modelPath = process.env.RIO_TEST_VISION_MODEL;
const mmprojPath = process.env.RIO_TEST_VISION_MMPROJ;
const skip = modelPath && mmprojPath ? false : "set RIO_TEST_VISION_MODEL and RIO_TEST_VISION_MMPROJ";

/** A deterministic RGB test pattern. */
function pattern(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 3).map((_, i) => (i * 37) % 256);
}

describe("ImageEncoder", { skip }, () => {
  it("encodes an image to nTokens rows of n_embd_inp floats with t, y, x positions", async () => {
    const model = loadLlama().loadModel(modelPath as string);
    const encoder = await openImageEncoder({ mmprojPath: mmprojPath as string, model, threads: 1 });
    try {
      const rgb = pattern(64, 48);
      const [a, b] = await Promise.all([encoder.encode(rgb, 64, 48), encoder.encode(rgb, 64, 48)]);
      assert.ok(a.nTokens >= 1);
      assert.equal(a.width, model.nEmbdInput);
      assert.equal(a.embeddings.length, a.nTokens * a.width);
      assert.ok(a.embeddings.every(Number.isFinite));
      assert.deepEqual(b.embeddings, a.embeddings, "same image, same embeddings");
      assert.equal(a.positions.length, 3 * a.nTokens);
      const row = (r: number) => Array.from(a.positions.subarray(r * a.nTokens, (r + 1) * a.nTokens));
      const [t, y, x] = [row(0), row(1), row(2)];
      if (encoder.usesMrope) {
        assert.ok(
          t.every((v) => v === 0),
          "one image is one temporal step",
        );
        const gridW = Math.max(...x) + 1;
        const gridH = Math.max(...y) + 1;
        assert.equal(gridW * gridH, a.nTokens, "tokens fill a gridH x gridW grid");
        assert.deepEqual(
          x,
          t.map((_, i) => i % gridW),
          "x runs along each row",
        );
        assert.deepEqual(
          y,
          t.map((_, i) => Math.floor(i / gridW)),
          "y counts rows",
        );
        assert.equal(a.nPos, Math.max(gridW, gridH));
      } else {
        assert.deepEqual(t, y);
        assert.equal(a.nPos, a.nTokens);
      }
      await assert.rejects(
        encoder.encode(rgb, 64, 49),
        (e: VisionError) => e.code === "invalid-argument" && e.message.includes("expected width*height*3"),
      );
    } finally {
      encoder.close();
      model.free();
    }
  });

  it("rejects encodes after close", async () => {
    const model = loadLlama().loadModel(modelPath as string);
    const encoder = await openImageEncoder({ mmprojPath: mmprojPath as string, model, threads: 1 });
    encoder.close();
    await assert.rejects(encoder.encode(pattern(8, 8), 8, 8), (e: VisionError) => e.code === "closed");
    model.free();
  });
});
