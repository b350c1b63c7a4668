/**
 * Image input against the float64 reference, for qwen3_5 and qwen3_5_moe (tiny models with a vision
 * tower; Qwen3.5 has no deepstack mergers: its vision_config has deepstack_visual_indexes [], and
 * llama.cpp's qwen35 text graphs take no deepstack input, so the "with deepstack" case does not exist
 * for this family).
 *
 * 1. The vision tower: libmtmd's embeddings of an image (F32 mmproj) against Qwen3_5VisionReference.
 * 2. The text model with an image inside the prompt: the same image rows (libmtmd's, so this part tests
 *    the text side alone) at their M-RoPE positions, engine against reference, text after the image.
 * 3. Batch vs single and token vs embedding with images in the batch.
 *
 * The main image is 128 x 96: a multiple of 32 (patch 16, merge 2) inside the tiny processor's pixel
 * budget (64^2..512^2), so it is encoded as it is. Another, 150 x 70, is resized: Rio sizes images as
 * HF's processor does before libmtmd sees them (libmtmd alone would pad instead), so both sides resample
 * with the same rule.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  type Checkpoint,
  loadPreprocessorConfig,
  makeTinyModel,
  openCheckpoint,
} from "../../src/checkpoint/index.js";
import {
  createEngine,
  type Engine,
  loadModel,
  type MediaEmbeddings,
  type RioModel,
  type StepInput,
} from "../../src/engine/index.js";
import { openReference, Qwen3_5VisionReference, sequencePositions } from "../../src/reference/index.js";
import {
  type EncodedImage,
  type ImageEncoder,
  imageSizingOf,
  openImageEncoder,
} from "../../src/vision/index.js";
import { card } from "../vision/images.js";
import { F32_VS_REFERENCE_LOGPROB, SAME_FUNCTION_LOGPROB } from "./bounds.js";
import { compareLogits } from "./metrics.js";

const [WIDTH, HEIGHT] = [128, 96];

/**
 * libmtmd against the float64 tower. Two differences, argued:
 * - F32 arithmetic through two blocks and the merger of O(1) activations: well under 1e-4.
 * - The merger's GELU: HF's Qwen3-VL merger uses the exact (erf) GELU, llama.cpp's qwen3vl graph the tanh
 *   approximation; they differ by at most GELU_GAP per activation, so each output moves by at most
 *   GELU_GAP times the L1 norm of its row of merger.linear_fc2 (read from the weights below).
 */
const GELU_GAP = 4.8e-4;
const F32_TOWER = 1e-4;

function rgbOf(width: number, height: number): Uint8Array {
  const rgba = card(width, height);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(rgba.subarray(4 * i, 4 * i + 3), 3 * i);
  return rgb;
}

function maxRowL1(ckpt: Checkpoint, name: string): number {
  const [rows, cols] = ckpt.info(name).shape;
  const w = ckpt.readFloat32(name);
  let max = 0;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.abs(w[r * cols + c]);
    max = Math.max(max, sum);
  }
  return max;
}

for (const arch of ["qwen3_5", "qwen3_5_moe"] as const) {
  describe(`${arch} with an image`, () => {
    let root: string;
    let model: RioModel;
    let encoder: ImageEncoder;
    let engine: Engine;
    let ckpt: Checkpoint;
    let image: EncodedImage;
    before(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), `rio-vision-${arch}-`));
      const dir = path.join(root, "hf");
      makeTinyModel({ arch, out: dir, seed: 11, dtype: "f32", vision: true });
      process.env.RIO_CACHE_DIR = path.join(root, "cache");
      model = loadModel(dir, { quant: "f32" });
      assert.ok(model.mmproj, "the tiny checkpoint's vision tower was converted");
      encoder = await openImageEncoder({
        mmprojPath: model.mmproj as string,
        model: model.llama,
        threads: 2,
        sizing: imageSizingOf(loadPreprocessorConfig(dir)),
      });
      engine = createEngine(model, { ctx: 512, maxSequences: 2, kvType: "f32", flashAttention: false });
      ckpt = openCheckpoint(dir);
      image = await encoder.encode(rgbOf(WIDTH, HEIGHT), WIDTH, HEIGHT);
    });
    after(() => {
      engine?.close();
      encoder?.close();
      model?.free();
      ckpt?.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    test("libmtmd's image embeddings equal the float64 tower's within the argued bound", (t) => {
      const reference = new Qwen3_5VisionReference(ckpt).encode({
        rgb: rgbOf(WIDTH, HEIGHT),
        width: WIDTH,
        height: HEIGHT,
      });
      assert.deepEqual([reference.gridH, reference.gridW], [HEIGHT / 32, WIDTH / 32]);
      assert.equal(image.nTokens, reference.embeddings.length);
      assert.equal(image.width, ckpt.config.hidden_size);
      let worst = 0;
      reference.embeddings.forEach((row, i) => {
        for (let j = 0; j < row.length; j++)
          worst = Math.max(worst, Math.abs(row[j] - image.embeddings[i * image.width + j]));
      });
      const bound = GELU_GAP * maxRowL1(ckpt, "model.visual.merger.linear_fc2.weight") + F32_TOWER;
      t.diagnostic(`tower: max |Δ| ${worst.toExponential(2)}, bound ${bound.toExponential(2)}`);
      assert.ok(worst < bound, `max |Δ| ${worst.toExponential(2)} >= bound ${bound.toExponential(2)}`);
      // positions as Qwen3.5's get_rope_index gives them: one temporal index, row-major grid, span max(h, w)
      const expected = sequencePositions([{ image: { gridH: 3, gridW: 4 } }]);
      assert.deepEqual([...image.positions], [...expected.t, ...expected.h, ...expected.w]);
      assert.equal(image.nPos, expected.next);
    });

    test("an image of any size is sized as HF's processor sizes it (smart_resize, Pillow bicubic)", async (t) => {
      // 150 x 70: smart_resize gives 160 x 64 (5 x 2 merged tokens), reached by resampling both ways
      const rgb = rgbOf(150, 70);
      const reference = new Qwen3_5VisionReference(ckpt).encode({ rgb, width: 150, height: 70 });
      assert.deepEqual([reference.gridH, reference.gridW], [2, 5]);
      const encoded = await encoder.encode(rgb, 150, 70);
      assert.equal(encoded.nTokens, 10);
      let worst = 0;
      reference.embeddings.forEach((row, i) => {
        for (let j = 0; j < row.length; j++)
          worst = Math.max(worst, Math.abs(row[j] - encoded.embeddings[i * encoded.width + j]));
      });
      const bound = GELU_GAP * maxRowL1(ckpt, "model.visual.merger.linear_fc2.weight") + F32_TOWER;
      t.diagnostic(`resized image: max |Δ| ${worst.toExponential(2)}, bound ${bound.toExponential(2)}`);
      assert.ok(worst < bound);
    });

    const before_ = [15, 16, 17, 18];
    const after_ = [40, 41, 42, 43, 44];

    /** Engine logits of every text row after the image. */
    async function engineAfterImage(media: MediaEmbeddings): Promise<Float32Array[]> {
      const seq = engine.openSequence();
      try {
        await engine.step([{ seq, tokens: before_, logits: "none" }]);
        await engine.step([{ seq, media }]);
        const [rows] = await engine.step([{ seq, tokens: after_, logits: "all" }]);
        return rows.map((r) => r.slice());
      } finally {
        engine.release(seq);
      }
    }

    test("the logits after an image match the reference's, with M-RoPE positions", async (t) => {
      const reference = openReference(ckpt);
      const rows = Array.from({ length: image.nTokens }, (_, i) =>
        Float64Array.from(image.embeddings.subarray(i * image.width, (i + 1) * image.width)),
      );
      const positions = sequencePositions([
        { text: before_.length },
        { image: { gridH: 3, gridW: 4 } },
        { text: after_.length },
      ]);
      const expected = reference
        .forward({ mixed: [...before_, ...rows, ...after_], positions }, reference.newCache())
        .logits.slice(-after_.length);
      const agreement = compareLogits(expected, await engineAfterImage(image));
      t.diagnostic(`text after the image: max |Δ log p| ${agreement.max_abs_logprob_diff.toExponential(2)}`);
      assert.ok(
        agreement.max_abs_logprob_diff < F32_VS_REFERENCE_LOGPROB,
        `max |Δ log p| ${agreement.max_abs_logprob_diff}`,
      );
      // the positions matter: the same rows placed as text (1-D positions) give other logits
      const asText = reference
        .forward({ mixed: [...before_, ...rows, ...after_] }, reference.newCache())
        .logits.slice(-after_.length);
      assert.ok(compareLogits(expected, asText).max_abs_logprob_diff > 10 * F32_VS_REFERENCE_LOGPROB);
    });

    test("batch vs single and token vs embedding hold with an image in the batch", async (t) => {
      const single = await engineAfterImage(image);
      // the same image fed beside another sequence's prompt and decoding input, in shared steps
      const [a, b] = [engine.openSequence(), engine.openSequence()];
      try {
        const steps: [StepInput, StepInput][] = [
          [
            { seq: a, tokens: before_, logits: "none" },
            { seq: b, tokens: [7, 8, 9] },
          ],
          [
            { seq: a, media: image },
            { seq: b, embedding: model.embeddings.row(10) },
          ],
        ];
        for (const step of steps) await engine.step(step);
        // token vs embedding: the text after the image fed one embedding row per step
        let last: Float32Array | undefined;
        for (const id of after_) {
          const [[row]] = await engine
            .step([
              { seq: a, embedding: model.embeddings.row(id) },
              { seq: b, embedding: model.embeddings.row(11) },
            ])
            .then((out) => [out[0]]);
          last = row.slice();
        }
        const agreement = compareLogits([single[single.length - 1]], [last as Float32Array]);
        t.diagnostic(
          `batched, embeddings vs single, tokens: ${agreement.max_abs_logprob_diff.toExponential(2)}`,
        );
        assert.ok(
          agreement.max_abs_logprob_diff < SAME_FUNCTION_LOGPROB,
          `${agreement.max_abs_logprob_diff}`,
        );
      } finally {
        engine.release(a);
        engine.release(b);
      }
    });
  });
}
