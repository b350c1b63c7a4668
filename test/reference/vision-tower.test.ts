// The Qwen3.5 vision tower reference on a tiny seeded checkpoint: shapes, the position table, 2-D RoPE,
// attention per temporal group, and the merge windows.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { type Checkpoint, parsePreprocessorConfig, parseVisionConfig } from "../../src/checkpoint/index.js";
import { normalise, patchCell, patchify, Qwen3_5VisionReference } from "../../src/reference/index.js";
import { dot, erf, gelu, geluTanh, layerNorm, rotateHalf } from "../../src/reference/ops.js";
import type { RgbImage } from "../../src/vision/index.js";
import { maxDiff, random } from "./numeric.js";
import {
  PREPROCESSOR,
  transposeNd,
  VISION,
  visionCheckpoint,
  visionConfig,
  visionTensors,
} from "./vision-fixture.js";

const f64 = (...v: number[]) => Float64Array.from(v);
const rowsOf = (m: Map<string, Float64Array[]>, name: string) =>
  m.get(name) ?? assert.fail(`${name} not captured`);
/** A seeded RGB image. */
function image(width: number, height: number, seed: number): RgbImage {
  const rnd = random(seed);
  return {
    rgb: Uint8Array.from({ length: width * height * 3 }, () => Math.floor(128 + 127 * rnd())),
    width,
    height,
  };
}

describe("vision ops", () => {
  it("erf, GELU (exact and tanh) and LayerNorm on hand values", () => {
    // erf to 1e-15 of the tabulated values; exact GELU(1) = Phi(1), tanh GELU(1) from its formula
    const erfs = [erf(0.5), erf(1), erf(2), erf(-3), erf(5), erf(0)];
    const want = [
      0.5204998778130465, 0.8427007929497149, 0.9953222650189527, -0.9999779095030014, 0.9999999999984626, 0,
    ];
    for (const [i, v] of erfs.entries()) assert.ok(Math.abs(v - want[i]) < 1e-15, `erf #${i}: ${v}`);
    assert.ok(Math.abs(gelu(1) - 0.8413447460685429) < 1e-15);
    assert.ok(Math.abs(geluTanh(1) - 0.8411919906082768) < 1e-15);
    const s = Math.sqrt(1.25);
    const ln = layerNorm(f64(1, 2, 3, 4), f64(1, 1, 2, 1), f64(0, 0, 0, 1), 0);
    for (const [i, v] of [-1.5 / s, -0.5 / s, 1 / s, 1 + 1.5 / s].entries())
      assert.ok(Math.abs(ln[i] - v) < 1e-15);
  });
});

describe("Qwen3.5 vision tower reference", () => {
  const ckpt: Checkpoint = visionCheckpoint();
  after(() => ckpt.close());
  const vision = new Qwen3_5VisionReference(ckpt);
  const pp = parsePreprocessorConfig(PREPROCESSOR, "preprocessor_config.json");
  const img = image(24, 16, 3); // a 4 x 6 patch grid, merged 2 x 3; no resize needed (multiples of 8)

  it("maps an image to one finite text-sized embedding per merged token, deterministically", () => {
    const a = vision.encode(img);
    assert.deepEqual([a.gridT, a.gridH, a.gridW, a.embeddings.length], [1, 2, 3, 6]);
    for (const r of a.embeddings) {
      assert.equal(r.length, ckpt.config.hidden_size);
      assert.ok(r.every(Number.isFinite));
    }
    assert.equal(maxDiff(a.embeddings, vision.encode(img).embeddings), 0);
    assert.ok(maxDiff([a.embeddings[0]], [a.embeddings[1]]) > 1e-3, "tokens do not differ");
  });

  it("returns the learned table exactly when the patch grid is the table's N x N grid", () => {
    // N = 4: linspace(0, 3, 4) = 0, 1, 2, 3, so every bilinear weight is (1, 0, 0, 0)
    const table = ckpt.readFloat32("model.visual.pos_embed.weight");
    const h = VISION.hidden_size;
    const got = vision.positionEmbeddings(4, 4);
    got.forEach((r, k) => {
      const [row, col] = patchCell(k, 4, 2);
      assert.deepEqual([...r], [...table.subarray((row * 4 + col) * h, (row * 4 + col + 1) * h)]);
    });
  });

  it("resamples the table like HF (align_corners bilinear, then the merge-window permute)", () => {
    const N = 4;
    const h = VISION.hidden_size;
    const table = Float64Array.from(ckpt.readFloat32("model.visual.pos_embed.weight"));
    const T = (r: number, c: number) => table.subarray((r * N + c) * h, (r * N + c + 1) * h);
    for (const [gh, gw] of [
      [2, 2],
      [4, 6],
      [6, 2],
    ]) {
      // HF: raster order from linspace/floor/ceil weights, then view(h/m, m, w/m, m).permute(0, 2, 1, 3)
      const lin = (steps: number) => Array.from({ length: steps }, (_, i) => (i * (N - 1)) / (steps - 1));
      const raster: Float64Array[] = [];
      for (const y of lin(gh)) {
        for (const x of lin(gw)) {
          const [y0, x0] = [Math.floor(y), Math.floor(x)];
          const [y1, x1] = [Math.min(y0 + 1, N - 1), Math.min(x0 + 1, N - 1)];
          const [dy, dx] = [y - y0, x - x0];
          raster.push(
            T(y0, x0).map(
              (_, i) =>
                (1 - dy) * (1 - dx) * T(y0, x0)[i] +
                (1 - dy) * dx * T(y0, x1)[i] +
                dy * (1 - dx) * T(y1, x0)[i] +
                dy * dx * T(y1, x1)[i],
            ),
          );
        }
      }
      const hf = transposeNd(raster, [gh / 2, 2, gw / 2, 2], [0, 2, 1, 3]);
      assert.ok(maxDiff(vision.positionEmbeddings(gh, gw), hf) < 1e-15, `${gh} x ${gw}`);
    }
    // corners of a 2 x 2 grid are the table's corners, exactly
    assert.deepEqual([...vision.positionEmbeddings(2, 2)[3]], [...T(3, 3)]);
  });

  it("rotates heads by (row, col) 2-D RoPE: row angles on the first d/4 pairs, then column angles", () => {
    // d = 8: pairs (0,4), (1,5) turn by row * 10000^(0, -1/2); pairs (2,6), (3,7) by col * the same
    assert.deepEqual([...vision.rotaryAngles(3, 5)], [3, 3 * 10000 ** -0.5, 5, 5 * 10000 ** -0.5]);
    // hence q . k depends only on (row, col) differences
    const rnd = random(9);
    const q = Float64Array.from({ length: 8 }, rnd);
    const k = Float64Array.from({ length: 8 }, rnd);
    const score = (r1: number, c1: number, r2: number, c2: number) =>
      dot(rotateHalf(q, vision.rotaryAngles(r1, c1)), rotateHalf(k, vision.rotaryAngles(r2, c2)));
    assert.ok(Math.abs(score(1, 2, 4, 0) - score(3, 7, 6, 5)) < 1e-12);
    assert.ok(Math.abs(score(1, 2, 4, 0) - score(1, 2, 0, 4)) > 1e-3);
  });

  it("embeds the two identical frames of a still image as llama.cpp does (sum of the temporal kernels)", () => {
    const { captured } = vision.encode(img, { capture: ["patch_embed"] });
    const w = ckpt.readFloat32("model.visual.patch_embed.proj.weight"); // [16, 3, 2, 4, 4]
    const b = ckpt.readFloat32("model.visual.patch_embed.proj.bias");
    const planes = normalise(img, pp);
    const got = rowsOf(captured, "patch_embed");
    got.forEach((r, k) => {
      const [row, col] = patchCell(k, 6, 2);
      const want = Float64Array.from({ length: 16 }, (_, o) => {
        let s = b[o];
        for (let c = 0; c < 3; c++) {
          for (let y = 0; y < 4; y++) {
            for (let x = 0; x < 4; x++) {
              const kernel =
                w[(((o * 3 + c) * 2 + 0) * 4 + y) * 4 + x] + w[(((o * 3 + c) * 2 + 1) * 4 + y) * 4 + x];
              s += kernel * planes[c * 24 * 16 + (row * 4 + y) * 24 + col * 4 + x];
            }
          }
        }
        return s;
      });
      // the same sums in another order: float64 reassociation, ~1e-15
      assert.ok(maxDiff([r], [want]) < 1e-12, `patch ${k}`);
    });
  });

  it("attends within each temporal group only: a video of frames A A B B encodes as A, then B", () => {
    const other = image(24, 16, 4);
    const [a, b] = [normalise(img, pp), normalise(other, pp)];
    const video = vision.encodePatches(patchify([a, a, b, b], 16, 24, pp));
    assert.equal(video.gridT, 2);
    const want = [...vision.encode(img).embeddings, ...vision.encode(other).embeddings];
    // the same arithmetic on the same values in the same order: equal to the last bit
    assert.equal(maxDiff(video.embeddings, want), 0);
  });

  it("gives every merged token the same embedding for a uniform image when the position table is zero", () => {
    // every patch has the same value row, so attention returns that shared v whatever RoPE does to the
    // weights, and all rows stay equal; only rounding differs between rows (~1e-16)
    const raw = visionConfig();
    const tensors = visionTensors(raw);
    const pos = tensors.get("model.visual.pos_embed.weight") ?? assert.fail("no pos_embed");
    tensors.set("model.visual.pos_embed.weight", {
      shape: pos.shape,
      data: new Float32Array(pos.data.length),
    });
    const flat = visionCheckpoint(raw, tensors);
    try {
      const { embeddings } = new Qwen3_5VisionReference(flat).encode({
        rgb: new Uint8Array(24 * 16 * 3).fill(77),
        width: 24,
        height: 16,
      });
      for (const r of embeddings) assert.ok(maxDiff([r], [embeddings[0]]) < 1e-13);
    } finally {
      flat.close();
    }
  });

  it("without blocks, a merged token depends only on the pixels of its own 2 x 2 patch window", () => {
    const raw = visionConfig({ ...VISION, depth: 0 });
    const shallow = visionCheckpoint(raw, visionTensors(raw));
    try {
      const ref = new Qwen3_5VisionReference(shallow);
      const base = ref.encode(img).embeddings;
      // change one pixel in each 8 x 8 window (merged row r, column c) in turn
      for (let r = 0; r < 2; r++) {
        for (let c = 0; c < 3; c++) {
          const rgb = Uint8Array.from(img.rgb);
          rgb[((r * 8 + 5) * 24 + c * 8 + 6) * 3] ^= 0x40;
          const out = ref.encode({ ...img, rgb }).embeddings;
          out.forEach((e, j) => {
            const changed = maxDiff([e], [base[j]]) > 0;
            assert.equal(changed, j === r * 3 + c, `window (${r}, ${c}) -> token ${j}`);
          });
        }
      }
    } finally {
      shallow.close();
    }
  });

  it("names its intermediates and refuses a deepstack config", () => {
    const names = [
      "inp_pos_emb",
      "L0.ln1",
      "L1.q_rope",
      "L1.kqv_out",
      "L1.layer_out",
      "post_ln",
      "merger_fc1",
    ];
    const { captured } = vision.encode(img, { capture: names });
    assert.equal(rowsOf(captured, "L1.layer_out").length, 24);
    assert.equal(rowsOf(captured, "merger_fc1")[0].length, 64);
    assert.throws(() => vision.encode(img, { capture: ["nope"] }), /no intermediate named nope/);
    const deepstack = parseVisionConfig({ ...VISION, deepstack_visual_indexes: [0] }, "config.json");
    assert.throws(() => new Qwen3_5VisionReference(ckpt, deepstack), /deepstack/);
  });
});
