/**
 * @module HF -> GGUF rules for `qwen3_5` (llama.cpp's Qwen3_5TextModel: LLM_ARCH_QWEN35), a hybrid of
 * Gated DeltaNet (`linear_attn`) and output-gated full attention layers. What differs from a rename,
 * all from llama.cpp's converter (conversion/qwen.py Qwen3NextModel + _LinearAttentionVReorderBase):
 * - Qwen3_5RMSNorm scales by (1 + w): llama.cpp bakes the 1 into attn_norm, post_attention_norm,
 *   output_norm, attn_q_norm and attn_k_norm; the gated norm `linear_attn.norm` (plain w) is kept as is.
 * - `A_log` becomes `ssm_a` = -exp(A_log); `dt_bias` becomes `ssm_dt.bias`; conv1d [C, 1, K] -> [C, K].
 * - When value heads outnumber key heads, HF groups value heads by key head; llama.cpp's graph tiles
 *   the key heads instead, so every value-head-indexed tensor is reordered (see tileValueHeads).
 * - `visual.*` (vision tower) and `mtp.*` (multi-token-prediction head, never run by Rio's engine) are
 *   dropped, as the converter does with --no-mtp.
 */
import { CheckpointError } from "../errors.js";
import { need, type TextConfig } from "../text-config.js";
import { arr, u32 } from "./kv.js";
import { mapName, type Placement, planTensors, renamed, type TensorSource } from "./plan.js";
import { QWEN3_NAMES, transformerMetadata } from "./qwen3.js";
import type { ConversionRules } from "./rules.js";

const NAMES: Record<string, string> = {
  ...QWEN3_NAMES,
  "model.layers.{bid}.post_attention_layernorm.weight": "blk.{bid}.post_attention_norm.weight",
  "model.layers.{bid}.linear_attn.in_proj_qkv.weight": "blk.{bid}.attn_qkv.weight",
  "model.layers.{bid}.linear_attn.in_proj_z.weight": "blk.{bid}.attn_gate.weight",
  "model.layers.{bid}.linear_attn.in_proj_b.weight": "blk.{bid}.ssm_beta.weight",
  "model.layers.{bid}.linear_attn.in_proj_a.weight": "blk.{bid}.ssm_alpha.weight",
  "model.layers.{bid}.linear_attn.conv1d.weight": "blk.{bid}.ssm_conv1d.weight",
  "model.layers.{bid}.linear_attn.dt_bias": "blk.{bid}.ssm_dt.bias",
  "model.layers.{bid}.linear_attn.A_log": "blk.{bid}.ssm_a",
  "model.layers.{bid}.linear_attn.norm.weight": "blk.{bid}.ssm_norm.weight",
  "model.layers.{bid}.linear_attn.out_proj.weight": "blk.{bid}.ssm_out.weight",
};

/** GGUF tensors (less `blk.N.`) holding a Qwen3_5RMSNorm weight, applied as (1 + w). */
const PLUS_ONE_NORMS = new Set([
  "output_norm.weight",
  "attn_norm.weight",
  "post_attention_norm.weight",
  "attn_q_norm.weight",
  "attn_k_norm.weight",
]);

/**
 * Reorders value heads from HF's grouped order [k0v0 .. k0v(r-1), k1v0 ..] to the tiled order that
 * llama.cpp's qwen35 graph broadcasts key heads against [k0v0, k1v0, .., k0v1, k1v1, ..]. `data` is
 * viewed as `outer` runs of `stride` values; in each run the nk * r head blocks of `block` values
 * start at offset `start`.
 */
export function tileValueHeads(
  data: Float32Array,
  nk: number,
  r: number,
  block: number,
  { start = 0, outer = 1, stride = data.length } = {},
): Float32Array {
  if (r === 1) return data;
  const out = data.slice();
  for (let o = 0; o < outer; o++) {
    const base = o * stride + start;
    for (let g = 0; g < nk; g++)
      for (let j = 0; j < r; j++) {
        const from = base + (g * r + j) * block;
        out.set(data.subarray(from, from + block), base + (j * nk + g) * block);
      }
  }
  return out;
}

/** The value transform of a GGUF tensor (by name), or undefined for a plain copy. */
function transformFor(
  name: string,
  shape: number[],
  c: TextConfig,
): ((x: Float32Array) => Float32Array) | undefined {
  const kind = name.replace(/^blk\.\d+\./, "");
  if (PLUS_ONE_NORMS.has(kind)) return (x) => x.map((v) => v + 1);
  const nk = need(c, "linear_num_key_heads");
  const r = need(c, "linear_num_value_heads") / nk;
  const dv = need(c, "linear_value_head_dim");
  const keyDim = nk * need(c, "linear_key_head_dim");
  const rowLen = shape[shape.length - 1];
  switch (kind) {
    case "attn_qkv.weight": // rows [q | k | v]: only the v rows are per value head
      return (x) => tileValueHeads(x, nk, r, dv * rowLen, { start: 2 * keyDim * rowLen });
    case "attn_gate.weight":
      return (x) => tileValueHeads(x, nk, r, dv * rowLen);
    case "ssm_beta.weight":
    case "ssm_alpha.weight":
      return (x) => tileValueHeads(x, nk, r, rowLen);
    case "ssm_dt.bias":
      return (x) => tileValueHeads(x, nk, r, 1);
    case "ssm_a":
      return (x) =>
        tileValueHeads(
          x.map((v) => -Math.exp(v)),
          nk,
          r,
          1,
        );
    case "ssm_conv1d.weight": // [C, K] channels [q | k | v]
      return (x) => tileValueHeads(x, nk, r, dv * rowLen, { start: 2 * keyDim * rowLen });
    case "ssm_out.weight": // [hidden, v]: columns are per value head
      return (x) => tileValueHeads(x, nk, r, dv, { outer: shape[0], stride: rowLen });
  }
  return undefined;
}

/**
 * Placement of the Qwen3.5 tensors shared by the dense and MoE variants; `ffn` places the feed-forward
 * tensors (returning undefined for names it does not know).
 */
export function placeQwen3_5(src: TensorSource, c: TextConfig, ffn?: (hfName: string) => Placement) {
  return (hfName: string): Placement => {
    if (hfName.startsWith("mtp.") || hfName.includes("visual.")) return null;
    if (ffn && hfName.includes(".mlp.")) return ffn(hfName);
    const name = mapName(NAMES, hfName);
    if (name === undefined) return undefined;
    // conv1d [C, 1, K] is stored [C, K] (ggml ne {K, C}), as ggml_ssm_conv reads it
    const stored = src.info(hfName).shape;
    const shape = name.endsWith("ssm_conv1d.weight") ? [stored[0], stored[2]] : stored;
    return [renamed(src, hfName, name, transformFor(name, shape, c), shape)];
  };
}

/** Hyper-parameters of llama.cpp's qwen35 / qwen35moe loaders (Qwen3NextModel + _Qwen35MRopeMixin). */
export function qwen3_5Metadata(arch: string, c: TextConfig, file: string) {
  const layerTypes = need(c, "layer_types");
  const interval = need(c, "full_attention_interval");
  const dk = need(c, "linear_key_head_dim");
  const dv = need(c, "linear_value_head_dim");
  // llama.cpp sizes both key and value heads of linear attention by ssm.state_size
  if (dk !== dv)
    throw new CheckpointError(
      `${file}: linear_key_head_dim ${dk} != linear_value_head_dim ${dv}; llama.cpp's ${arch} needs them equal`,
      file,
      "linear_value_head_dim",
    );
  // llama.cpp aborts the process (GGML_ASSERT(buffer), a zero-size KV cache or recurrent state) on a
  // hybrid without both kinds of layer
  for (const kind of ["full_attention", "linear_attention"] as const)
    if (!layerTypes.includes(kind))
      throw new CheckpointError(
        `${file}: layer_types has no ${kind} layer; llama.cpp's ${arch} needs both kinds`,
        file,
        "layer_types",
      );
  const sections = [...need(c, "mrope_section"), 0, 0, 0, 0].slice(0, 4);
  const follows = layerTypes.every((t, i) => (t === "full_attention") === ((i + 1) % interval === 0));
  return [
    ...transformerMetadata(arch, c),
    u32(`${arch}.rope.dimension_count`, Math.floor(c.head_dim * need(c, "partial_rotary_factor"))),
    arr(`${arch}.rope.dimension_sections`, "int32", sections),
    u32(`${arch}.ssm.conv_kernel`, need(c, "linear_conv_kernel_dim")),
    u32(`${arch}.ssm.state_size`, dk),
    u32(`${arch}.ssm.group_count`, need(c, "linear_num_key_heads")),
    u32(`${arch}.ssm.time_step_rank`, need(c, "linear_num_value_heads")),
    u32(`${arch}.ssm.inner_size`, dv * need(c, "linear_num_value_heads")),
    u32(`${arch}.full_attention_interval`, interval),
    // llama.cpp derives the layer kinds from the interval unless this per-layer list is present
    ...(follows
      ? []
      : [
          arr(
            `${arch}.attention.recurrent_layers`,
            "uint32",
            layerTypes.map((t) => (t === "linear_attention" ? 1 : 0)),
          ),
        ]),
  ];
}

export const qwen3_5: ConversionRules = {
  architecture: "qwen35",
  tokenizerPre: "qwen35",
  tensors: (src, config) => planTensors(src, config, "qwen35", placeQwen3_5(src, config)),
  metadata: (c) => qwen3_5Metadata("qwen35", c, "config.json"),
};
