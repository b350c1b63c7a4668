import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { convertMmproj, convertToGguf, makeTinyModel } from "../../src/checkpoint/index.js";
import { loadLlama } from "../../src/llama/index.js";
import { openImageEncoder, type VisionError } from "../../src/vision/index.js";

// a tiny Qwen3.5 with a vision tower, converted as `rio convert` does: the text GGUF and its mmproj
const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-mtmd-encode-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
makeTinyModel({ arch: "qwen3_5", out: path.join(root, "hf"), seed: 2, vision: true });
const modelPath = path.join(root, "model.gguf");
const mmprojPath = path.join(root, "model.mmproj.gguf");
convertToGguf(path.join(root, "hf"), modelPath, { quant: "f16" });
convertMmproj(path.join(root, "hf"), mmprojPath, { type: "f16" });

/** A deterministic RGB test pattern. */
function pattern(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 3).map((_, i) => (i * 37) % 256);
}

describe("ImageEncoder", () => {
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
