/**
 * @module reference/vision/qwen3_5_vision
 * The vision tower of Qwen3.5 / Qwen3.5-MoE (`model.visual.*`), float64: Qwen3-VL's tower without
 * deepstack, as in HF `Qwen3_5VisionModel` (`modeling_qwen3_5.py`, = `Qwen3VLVisionModel` of
 * `modeling_qwen3_vl.py`) and llama.cpp `tools/mtmd/models/qwen3vl.cpp`:
 * patches -> Conv3d patch embedding (+ bias) -> + learned position table, bilinearly resampled to the
 * patch grid -> depth x { x += proj(attn(LN1 x)); x += fc2(gelu_tanh(fc1(LN2 x))) } -> merger:
 * LayerNorm per patch, m^2 consecutive patches concatenated, fc1, exact GELU, fc2 -> one text-sized
 * embedding per merged token.
 *
 * Conventions (checked against those sources):
 * - Patch order is the processor's merge-window order (preprocess.ts); every per-patch table
 *   (position embedding, rotary angles) is laid out in that order, as HF `fast_pos_embed_interpolate`
 *   / `rot_pos_emb` (and `vision_utils.get_pos_embed_indices` / `get_rotary_pos_ids`) do and llama.cpp
 *   does with its "spatial merge" permute of the patch grid and of the resampled table.
 * - Conv3d with stride = kernel is one linear map per patch row; on a still image (two identical
 *   frames) it equals llama.cpp's sum of the two temporal kernel slices applied to the frame.
 * - Position table: N = sqrt(num_position_embeddings) per side; patch (row, col) of a gridH x gridW grid
 *   samples it at (row (N-1)/(gridH-1), col (N-1)/(gridW-1)) bilinearly (HF `torch.linspace(0, N-1, h)`
 *   with floor/ceil corners, i.e. align_corners=True; llama.cpp `ggml_interpolate` BILINEAR |
 *   ALIGN_CORNERS). When the grid is N x N the weights are (1, 0, 0, 0) and the table comes back exactly.
 * - 2-D RoPE per head of d = hidden_size / num_heads: rotate-half over the whole head (pair i, i + d/2);
 *   frequency i < d/4 turns by row * theta^(-4i/d), frequency d/4 + j by col * theta^(-4j/d) (HF
 *   `Qwen3VLVisionRotaryEmbedding(d/2)` looked up at (row, col) and concatenated; llama.cpp
 *   GGML_ROPE_TYPE_VISION with sections [d/4] x 4 and positions (row, col, row, col)).
 * - qkv rows are [q (all heads) | k | v]; attention is full (not causal), scaled by 1/sqrt(d), and only
 *   within one temporal group (HF `cu_seqlens`: one sequence per group of gridH * gridW patches).
 * - LayerNorms have bias and eps 1e-6 (HF hard-codes it; llama.cpp reads the text rms_norm_eps, 1e-6).
 * - Block MLP activation is vision_config.hidden_act (Qwen3.5: gelu_pytorch_tanh); the merger's is
 *   `nn.GELU()`, the exact erf GELU. llama.cpp's qwen3vl graph uses FFN_GELU (ggml_gelu, the tanh
 *   form) for the merger too: the two differ by up to ~5e-4 per activation.
 * - HF runs the rotary tables (and, in bf16 checkpoints, everything else) in float32/bf16; all float64 here.
 * Tiny models only: weights are held as float64.
 */
import {
  type Checkpoint,
  loadPreprocessorConfig,
  loadVisionConfig,
  type PreprocessorConfig,
  type VisionConfig,
} from "../../checkpoint/index.js";
import type { RgbImage } from "../../vision/index.js";
import { Capture } from "../capture.js";
import {
  add,
  dot,
  gelu,
  geluTanh,
  layerNorm,
  linear,
  type Matrix,
  perHead,
  rotateHalf,
  softmax,
} from "../ops.js";
import { ReferenceWeights } from "../weights.js";
import { type PixelPatches, patchCell, preprocessImage } from "./preprocess.js";

/** Output of the tower: one embedding per merged token, in row-major order per temporal group. */
export interface VisionEncoding {
  /** One row of out_hidden_size (the text hidden_size) per merged token. */
  embeddings: Float64Array[];
  gridT: number;
  /** The merged grid (patch grid / spatial_merge_size): the image's token rows and columns. */
  gridH: number;
  gridW: number;
  /** Requested intermediates (see `encodePatches`). */
  captured: Map<string, Float64Array[]>;
}

const EPS = 1e-6;
/** The 2-D rotary base: HF's Qwen3VLVisionRotaryEmbedding default, hard-coded in llama.cpp's qwen3vl graph. */
const VISION_ROPE_THETA = 10000;

/** The checkpoint's vision_config. */
function visionConfigOf(dir: string): VisionConfig {
  const c = loadVisionConfig(dir);
  if (!c) throw new Error(`${dir}/config.json: no vision_config: the checkpoint has no vision tower`);
  return c;
}

/** `c`, once checked to be what this reference implements. */
function supported(c: VisionConfig, dir: string): VisionConfig {
  if (c.deepstack_visual_indexes.length > 0)
    throw new Error(
      `${dir}/config.json: vision_config.deepstack_visual_indexes is not supported (Qwen3.5 has none)`,
    );
  if (c.hidden_act !== "gelu_pytorch_tanh" && c.hidden_act !== "gelu")
    throw new Error(
      `${dir}/config.json: vision_config.hidden_act ${JSON.stringify(c.hidden_act)} is not supported`,
    );
  const head = c.hidden_size / c.num_heads;
  if (head % 4 !== 0)
    throw new Error(`${dir}/config.json: vision head dim ${head} must be a multiple of 4 (2-D RoPE)`);
  return c;
}

export class Qwen3_5VisionReference {
  readonly config: VisionConfig;
  private readonly w: ReferenceWeights;
  private preprocessor?: PreprocessorConfig;

  /** `config` defaults to `vision_config` of the checkpoint's config.json. */
  constructor(
    readonly ckpt: Checkpoint,
    config?: VisionConfig,
    preprocessor?: PreprocessorConfig,
  ) {
    this.config = supported(config ?? visionConfigOf(ckpt.dir), ckpt.dir);
    this.preprocessor = preprocessor;
    this.w = new ReferenceWeights(ckpt);
    if (this.config.out_hidden_size !== ckpt.config.hidden_size) {
      throw new Error(
        `${ckpt.dir}: vision out_hidden_size ${this.config.out_hidden_size} != text hidden_size ${ckpt.config.hidden_size}`,
      );
    }
  }

  /** The image processor settings (preprocessor_config.json of the checkpoint unless given). */
  preprocessorConfig(): PreprocessorConfig {
    this.preprocessor ??= loadPreprocessorConfig(this.ckpt.dir);
    const { patch_size, merge_size, temporal_patch_size } = this.preprocessor;
    const c = this.config;
    if (
      patch_size !== c.patch_size ||
      merge_size !== c.spatial_merge_size ||
      temporal_patch_size !== c.temporal_patch_size
    ) {
      throw new Error(
        `${this.ckpt.dir}: preprocessor patch/merge/temporal sizes disagree with vision_config`,
      );
    }
    return this.preprocessor;
  }

  /** One still image, preprocessed as HF's processor does, to its merged-token embeddings. */
  encode(image: RgbImage, opts: { capture?: string[] } = {}): VisionEncoding {
    return this.encodePatches(preprocessImage(image, this.preprocessorConfig()), opts);
  }

  /**
   * Already-flattened patches (HF `pixel_values` of one image or video, with its `image_grid_thw`) to
   * embeddings. Intermediates, one row per patch: `patch_embed`, `pos_embed`, `inp_pos_emb` (their
   * sum); per block `L<il>.`: `ln1`, `q`, `k`, `v`, `q_rope`, `k_rope`, `kqv_out` (attention before
   * proj), `attn_out`, `ffn_inp`, `ffn_inp_normed`, `ffn_out`, `layer_out`; then `post_ln` (merger
   * norm); one row per merged token: `merger_fc1` (after GELU), `embeddings`.
   */
  encodePatches(input: PixelPatches, opts: { capture?: string[] } = {}): VisionEncoding {
    const c = this.config;
    const { pixelPatches, gridT, gridH, gridW } = input;
    const m = c.spatial_merge_size;
    const perPatch = c.in_channels * c.temporal_patch_size * c.patch_size ** 2;
    if (gridH % m !== 0 || gridW % m !== 0)
      throw new Error(`vision: grid ${gridH} x ${gridW} not a multiple of ${m}`);
    if (pixelPatches.length !== gridT * gridH * gridW || pixelPatches.some((r) => r.length !== perPatch)) {
      throw new Error(`vision: expected ${gridT * gridH * gridW} patches of ${perPatch} values`);
    }
    const cb = new Capture(new Set(opts.capture ?? []));
    const n = gridH * gridW;
    const v = (s: string) => `model.visual.${s}`;
    const hidden = c.hidden_size;

    // patch embedding: the Conv3d kernel [hidden, C, T, p, p] flattened is a [hidden, C*T*p*p] matrix
    const proj = this.convAsMatrix(v("patch_embed.proj.weight"));
    const projBias = this.w.vector(v("patch_embed.proj.bias"), hidden);
    let x = pixelPatches.map((r) => linear(proj, r, projBias));
    cb.rows("patch_embed", -1, x);
    const table = this.positionEmbeddings(gridH, gridW);
    const pos = x.map((_, i) => table[i % n]);
    cb.rows("pos_embed", -1, pos);
    x = x.map((r, i) => add(r, pos[i]));
    cb.rows("inp_pos_emb", -1, x);

    const angles = Array.from({ length: n }, (_, k) => this.rotaryAngles(...patchCell(k, gridW, m)));
    for (let il = 0; il < c.depth; il++) x = this.block(il, x, angles, n, cb);

    // merger: LayerNorm per patch, then the m^2 consecutive patches of each merged token side by side
    const wide = hidden * m * m;
    const out = c.out_hidden_size;
    const [normW, normB] = [
      this.w.vector(v("merger.norm.weight"), hidden),
      this.w.vector(v("merger.norm.bias"), hidden),
    ];
    const [fc1W, fc1B] = [
      this.w.matrix(v("merger.linear_fc1.weight"), wide, wide),
      this.w.vector(v("merger.linear_fc1.bias"), wide),
    ];
    const [fc2W, fc2B] = [
      this.w.matrix(v("merger.linear_fc2.weight"), out, wide),
      this.w.vector(v("merger.linear_fc2.bias"), out),
    ];
    const normed = x.map((r) => layerNorm(r, normW, normB, EPS));
    cb.rows("post_ln", -1, normed);
    const merged = Array.from({ length: normed.length / (m * m) }, (_, j) => {
      const row = new Float64Array(wide);
      for (let q = 0; q < m * m; q++) row.set(normed[j * m * m + q], q * hidden);
      return row;
    });
    const fc1 = merged.map((r) => linear(fc1W, r, fc1B).map(gelu));
    cb.rows("merger_fc1", -1, fc1);
    const embeddings = fc1.map((r) => linear(fc2W, r, fc2B));
    cb.rows("embeddings", -1, embeddings);
    cb.check();
    return { embeddings, gridT, gridH: gridH / m, gridW: gridW / m, captured: cb.captured };
  }

  /**
   * The learned position table resampled to a gridH x gridW patch grid (bilinear, align_corners),
   * one row per patch in merge-window order (one temporal group).
   */
  positionEmbeddings(gridH: number, gridW: number): Float64Array[] {
    const { hidden_size: hidden, num_position_embeddings: count, spatial_merge_size: m } = this.config;
    const N = Math.round(Math.sqrt(count));
    const t = this.w.tensor("model.visual.pos_embed.weight", [count, hidden]);
    const at = (r: number, c: number) => t.subarray((r * N + c) * hidden, (r * N + c + 1) * hidden);
    // HF torch.linspace(0, N - 1, steps): source coordinate of each patch row / column, and its corners
    const axis = (steps: number, i: number) => {
      const s = steps === 1 ? 0 : (i * (N - 1)) / (steps - 1);
      const lo = Math.trunc(s);
      return { lo, hi: Math.min(lo + 1, N - 1), f: s - lo };
    };
    return Array.from({ length: gridH * gridW }, (_, k) => {
      const [row, col] = patchCell(k, gridW, m);
      const y = axis(gridH, row);
      const x = axis(gridW, col);
      const [w00, w01, w10, w11] = [(1 - y.f) * (1 - x.f), (1 - y.f) * x.f, y.f * (1 - x.f), y.f * x.f];
      const [a, b, c, d] = [at(y.lo, x.lo), at(y.lo, x.hi), at(y.hi, x.lo), at(y.hi, x.hi)];
      return a.map((_, i) => a[i] * w00 + b[i] * w01 + c[i] * w10 + d[i] * w11);
    });
  }

  /** Rotation angle of each of the d/2 rotate-half pairs of a head at patch (row, col). */
  rotaryAngles(row: number, col: number): Float64Array {
    const d = this.config.hidden_size / this.config.num_heads;
    const quarter = d / 4;
    const theta = VISION_ROPE_THETA;
    // HF inv_freq over dim d/2: theta^(-2j / (d/2)), j < d/4; row angles then column angles
    return Float64Array.from({ length: d / 2 }, (_, i) =>
      i < quarter ? row * theta ** (-(2 * i) / (d / 2)) : col * theta ** (-(2 * (i - quarter)) / (d / 2)),
    );
  }

  private block(
    il: number,
    x: Float64Array[],
    angles: Float64Array[],
    n: number,
    cb: Capture,
  ): Float64Array[] {
    const { hidden_size: h, num_heads: nHead, intermediate_size: inter } = this.config;
    const d = h / nHead;
    const t = (s: string) => `model.visual.blocks.${il}.${s}`;
    const vec = (name: string, size = h) => this.w.vector(t(name), size);
    const norm = (name: string, r: Float64Array) =>
      layerNorm(r, vec(`${name}.weight`), vec(`${name}.bias`), EPS);
    const qkvW = this.w.matrix(t("attn.qkv.weight"), 3 * h, h);
    const projW = this.w.matrix(t("attn.proj.weight"), h, h);
    const fc1 = this.w.matrix(t("mlp.linear_fc1.weight"), inter, h);
    const fc2 = this.w.matrix(t("mlp.linear_fc2.weight"), h, inter);

    // self-attention over the patches of each temporal group
    const ln1 = x.map((r) => norm("norm1", r));
    cb.rows("ln1", il, ln1);
    const qkv = ln1.map((r) => linear(qkvW, r, vec("attn.qkv.bias", 3 * h)));
    const [q, k, v] = [0, 1, 2].map((part) => qkv.map((r) => r.slice(part * h, (part + 1) * h)));
    cb.rows("q", il, q);
    cb.rows("k", il, k);
    cb.rows("v", il, v);
    const rot = (r: Float64Array, i: number) =>
      perHead(r, nHead, d, (head) => rotateHalf(head, angles[i % n]));
    const qRope = q.map(rot);
    const kRope = k.map(rot);
    cb.rows("q_rope", il, qRope);
    cb.rows("k_rope", il, kRope);
    const attn = qRope.map((qr, i) => {
      const from = Math.floor(i / n) * n;
      return perHead(qr, nHead, d, (qh, hh) => {
        const at = hh * d;
        const probs = softmax(
          kRope.slice(from, from + n).map((key) => dot(qh, key.subarray(at, at + d)) / Math.sqrt(d)),
        );
        const o = new Float64Array(d);
        for (const [j, p] of probs.entries()) {
          for (let e = 0; e < d; e++) o[e] += p * v[from + j][at + e];
        }
        return o;
      });
    });
    cb.rows("kqv_out", il, attn);
    const attnOut = attn.map((r) => linear(projW, r, vec("attn.proj.bias")));
    cb.rows("attn_out", il, attnOut);
    const ffnInp = x.map((r, i) => add(r, attnOut[i]));
    cb.rows("ffn_inp", il, ffnInp);

    // feed-forward
    const ln2 = ffnInp.map((r) => norm("norm2", r));
    cb.rows("ffn_inp_normed", il, ln2);
    const act = this.config.hidden_act === "gelu" ? gelu : geluTanh;
    const ffnOut = ln2.map((r) =>
      linear(fc2, linear(fc1, r, vec("mlp.linear_fc1.bias", inter)).map(act), vec("mlp.linear_fc2.bias")),
    );
    cb.rows("ffn_out", il, ffnOut);
    const out = ffnInp.map((r, i) => add(r, ffnOut[i]));
    cb.rows("layer_out", il, out);
    return out;
  }

  /** The Conv3d patch kernel [hidden, C, T, p, p] as the matrix [hidden, C*T*p*p] it is on a patch row. */
  private convAsMatrix(name: string): Matrix {
    const c = this.config;
    const shape = [c.hidden_size, c.in_channels, c.temporal_patch_size, c.patch_size, c.patch_size];
    const data = this.w.tensor(name, shape);
    return { rows: c.hidden_size, cols: data.length / c.hidden_size, data };
  }
}
