// Multimodal inputs of the text reference: interleaved M-RoPE, mixed token/embedding rows, image positions.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  type DecoderReference,
  imagePositions,
  type MRopePositions,
  mrope,
  mropeRow,
  openReference,
  Qwen3_5VisionReference,
  sequencePositions,
} from "../../src/reference/index.js";
import { rope } from "../../src/reference/ops.js";
import { maxDiff, random } from "./numeric.js";
import { tinyCheckpoint } from "./tiny-checkpoint.js";
import { visionCheckpoint } from "./vision-fixture.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** HF `apply_interleaved_mrope` replayed literally: start from T, then slice(1, 3 s[1], 3) <- H, slice(2, 3 s[2], 3) <- W. */
function hfRows(half: number, section: number[]): number[] {
  const rows = new Array<number>(half).fill(0);
  for (const dim of [1, 2]) for (let i = dim; i < Math.min(3 * section[dim], half); i += 3) rows[i] = dim;
  return rows;
}
/** ggml `ggml_mrope_cache_init` with is_imrope replayed literally; 3 is its 4th position (0 for text in llama.cpp). */
function ggmlRows(half: number, s: number[]): number[] {
  const sectDims = s[0] + s[1] + s[2] + (s[3] ?? 0);
  return range(half).map((i) => {
    const sector = i % sectDims;
    if (sector % 3 === 1 && sector < 3 * s[1]) return 1;
    if (sector % 3 === 2 && sector < 3 * s[2]) return 2;
    if (sector % 3 === 0 && sector < 3 * s[0]) return 0;
    return 3;
  });
}
const text = (n: number, from = 0): MRopePositions => ({
  t: range(n).map((i) => from + i),
  h: range(n).map((i) => from + i),
  w: range(n).map((i) => from + i),
});

describe("interleaved M-RoPE", () => {
  it("assigns frequencies to t, h, w as HF apply_interleaved_mrope, and as llama.cpp IMROPE for Qwen3.5", () => {
    const qwen35 = range(32).map((i) => mropeRow(i, [11, 11, 10]));
    assert.deepEqual(qwen35, hfRows(32, [11, 11, 10]));
    assert.deepEqual(
      range(32).filter((i) => qwen35[i] === 1),
      range(11).map((j) => 3 * j + 1),
    ); // 1, 4, ..., 31
    assert.deepEqual(
      range(32).filter((i) => qwen35[i] === 2),
      range(10).map((j) => 3 * j + 2),
    ); // 2, 5, ..., 29
    for (const [half, section] of [
      [32, [11, 11, 10]],
      [2, [1, 1, 0]],
      [4, [2, 1, 1]],
    ] as const) {
      const ours = range(half).map((i) => mropeRow(i, section));
      assert.deepEqual(ours, hfRows(half, [...section]));
      assert.deepEqual(ours, ggmlRows(half, [...section]), `ggml disagrees for ${section}`);
    }
    // where a residue class runs past 3 * section[k] the two differ: Qwen3-VL's [24, 20, 20] over 64
    // frequencies gives 61 and 62 to t in HF but to ggml's 4th position
    const hf = hfRows(64, [24, 20, 20]);
    const gg = ggmlRows(64, [24, 20, 20]);
    assert.deepEqual(
      range(64).filter((i) => hf[i] !== gg[i]),
      [61, 62],
    );
  });

  it("is exactly 1-D RoPE when t = h = w, and turns frequency i by pos[row(i)] otherwise", () => {
    const rnd = random(5);
    const x = Float64Array.from({ length: 12 }, rnd);
    for (const p of [0, 1, 7, 300])
      assert.deepEqual(mrope(x, [p, p, p], 8, 1e4, [2, 1, 1]), rope(x, p, 8, 1e4));
    // rotary dim 4, sections [1, 1, 0]: frequency 0 from t = 2, frequency 1 from h = 5 (w unused)
    const got = mrope(Float64Array.of(1, 2, 3, 4), [2, 5, 9], 4, 100, [1, 1, 0]);
    const [a0, a1] = [2, 5 * 100 ** -0.5];
    const want = [
      Math.cos(a0) - 3 * Math.sin(a0),
      2 * Math.cos(a1) - 4 * Math.sin(a1),
      3 * Math.cos(a0) + Math.sin(a0),
      4 * Math.cos(a1) + 2 * Math.sin(a1),
    ];
    assert.ok(maxDiff([got], [Float64Array.from(want)]) < 1e-15);
  });
});

describe("text reference with multimodal inputs", () => {
  const TOKENS = [5, 17, 3, 44, 0, 29, 11];
  for (const arch of ["qwen3_5", "qwen3_5_moe"] as const) {
    it(`${arch}: t = h = w positions and per-row tokens/embeddings change nothing`, () => {
      const ckpt = tinyCheckpoint(arch);
      try {
        const ref = openReference(ckpt);
        const plain = ref.forward({ tokens: TOKENS }, ref.newCache()).logits;
        // the same angles computed the same way, so equal to the last bit
        assert.equal(
          maxDiff(ref.forward({ tokens: TOKENS, positions: text(7) }, ref.newCache()).logits, plain),
          0,
        );
        const mixed = TOKENS.map((id, i) => (i % 2 ? ref.embeddingRow(id) : id));
        assert.equal(maxDiff(ref.forward({ mixed }, ref.newCache()).logits, plain), 0);
      } finally {
        ckpt.close();
      }
    });
  }

  it("uses h positions, ignores w when its section is empty, and refuses M-RoPE on Qwen3", () => {
    const ckpt = tinyCheckpoint("qwen3_5"); // mrope_section [1, 1, 0] over 2 frequencies
    const dense = tinyCheckpoint("qwen3");
    try {
      const ref = openReference(ckpt);
      const plain = ref.forward({ tokens: TOKENS, positions: text(7) }, ref.newCache()).logits;
      // RoPE sees only differences, so move the later rows' h (or w) away from the earlier rows'
      const later = (p: number, i: number) => (i < 4 ? p : p + 3);
      const shiftH = { ...text(7), h: text(7).h.map(later) };
      const shiftW = { ...text(7), w: text(7).w.map(later) };
      assert.ok(
        maxDiff(ref.forward({ tokens: TOKENS, positions: shiftH }, ref.newCache()).logits, plain) > 1e-6,
      );
      assert.equal(
        maxDiff(ref.forward({ tokens: TOKENS, positions: shiftW }, ref.newCache()).logits, plain),
        0,
      );
      assert.throws(
        () => ref.forward({ tokens: TOKENS, positions: text(6) }, ref.newCache()),
        /positions of 6/,
      );
      const q3 = openReference(dense);
      assert.throws(() => q3.forward({ tokens: TOKENS, positions: text(7) }, q3.newCache()), /mrope_section/);
    } finally {
      ckpt.close();
      dense.close();
    }
  });

  describe("an image in a prompt", () => {
    const ckpt = visionCheckpoint();
    after(() => ckpt.close());
    const ref: DecoderReference = openReference(ckpt);
    const vision = new Qwen3_5VisionReference(ckpt);
    const rnd = random(11);
    const rgb = Uint8Array.from({ length: 24 * 16 * 3 }, () => Math.floor(128 + 127 * rnd()));
    const { embeddings, gridH, gridW } = vision.encode({ rgb, width: 24, height: 16 });
    // <text 2> <image 2 x 3> <text 3>
    const mixed = [7, 3, ...embeddings, 12, 40, 9];
    const positions = sequencePositions([{ text: 2 }, { image: { gridH, gridW } }, { text: 3 }]);

    it("places image tokens at (s, s + row, s + col) and the text after at s + max(gridH, gridW)", () => {
      assert.deepEqual(imagePositions(5, 2, 3), {
        t: [5, 5, 5, 5, 5, 5],
        h: [5, 5, 5, 6, 6, 6],
        w: [5, 6, 7, 5, 6, 7],
        next: 8,
      });
      assert.deepEqual(positions, {
        t: [0, 1, 2, 2, 2, 2, 2, 2, 5, 6, 7],
        h: [0, 1, 2, 2, 2, 3, 3, 3, 5, 6, 7],
        w: [0, 1, 2, 3, 4, 2, 3, 4, 5, 6, 7],
        next: 8,
      });
      // llama.cpp mtmd_image_tokens_get_decoder_pos: t = pos_0, y = pos_0 + i / nx (h section), x = pos_0 + i % nx
      const img = imagePositions(9, 3, 4);
      range(12).forEach((i) => {
        assert.deepEqual([img.t[i], img.h[i], img.w[i]], [9, 9 + Math.floor(i / 4), 9 + (i % 4)]);
      });
    });

    it("runs through the text model, finite and the same whole or chunked (positions continue after the image)", () => {
      const whole = ref.forward({ mixed, positions }, ref.newCache()).logits;
      assert.ok(whole.every((r) => r.every(Number.isFinite)));
      // chunk 1: text + image with explicit positions; chunk 2: text without, continuing at cache.ropeDelta
      const cache = ref.newCache();
      const head = { t: positions.t.slice(0, 9), h: positions.h.slice(0, 9), w: positions.w.slice(0, 9) };
      const first = ref.forward({ mixed: mixed.slice(0, 9), positions: head }, cache).logits;
      assert.equal(cache.ropeDelta, 6 - 9);
      const rest = ref.forward({ tokens: [40, 9] }, cache).logits;
      assert.ok(maxDiff([...first, ...rest], whole) < 1e-12);
      // the image's positions matter: the same rows at plain positions give other logits
      assert.ok(maxDiff(ref.forward({ mixed }, ref.newCache()).logits, whole) > 1e-6);
    });
  });
});
