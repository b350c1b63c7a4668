/**
 * @module HF -> mmproj GGUF rules for the Qwen3-VL vision tower as Qwen3.5 uses it (no deepstack):
 * llama.cpp's Qwen3VLVisionModel (conversion/qwen3vl.py, registered for Qwen3_5ForConditionalGeneration
 * and Qwen3_5MoeForConditionalGeneration) writing PROJECTOR_TYPE_QWEN3VL ("qwen3vl_merger"), which
 * tools/mtmd/clip.cpp loads and models/qwen3vl.cpp runs. Line numbers are of the pinned llama.cpp.
 * What differs from a rename:
 * - the Conv3d patch embedding [hidden, 3, 2, p, p] is split along time into two Conv2d kernels
 *   `v.patch_embd.weight` and `v.patch_embd.weight.1` (qwen3vl.py:128-136), which clip.cpp applies to
 *   the two frames of a temporal patch (a still image is both frames) and adds (models/qwen2vl.cpp:14);
 * - the merger's `linear_fc1` / `linear_fc2` become `mm.0` / `mm.2` and its `norm` `v.post_ln`
 *   (qwen3vl.py:109-124).
 */
import { CheckpointError } from "../errors.js";
import type { GgufKv } from "../gguf/index.js";
import type { TextConfig } from "../text-config.js";
import type { VisionConfig } from "../vision-config.js";
import { visionTensorSpecs } from "../vision-config.js";
import { arr, bool, f32, str, u32 } from "./kv.js";
import type { TensorPlan, TensorSource } from "./plan.js";

/**
 * HF name (less `model.`) -> GGUF name, before the `.weight` / `.bias` suffix; `{bid}` is the block.
 * From gguf-py tensor_mapping.py (MODEL_ARCH.MMPROJ: V_ENC_EMBD_PATCH bias, V_ENC_EMBD_POS "visual.pos_embed",
 * V_ENC_INPUT_NORM "visual.blocks.{bid}.norm1", V_ENC_ATTN_QKV "visual.blocks.{bid}.attn.qkv",
 * V_ENC_ATTN_O "visual.blocks.{bid}.attn.proj", V_ENC_POST_ATTN_NORM "visual.blocks.{bid}.norm2",
 * V_ENC_FFN_UP / V_ENC_FFN_DOWN "visual.blocks.{bid}.mlp.linear_fc1" / "linear_fc2") with the names of
 * constants.py TENSOR_NAMES, and the merger from qwen3vl.py:109-124. clip.cpp loads them by these names
 * (clip-impl.h TN_* and clip.cpp load_tensors: PROJECTOR_TYPE_QWEN3VL needs mm.0 and mm.2, weight and bias).
 */
const NAMES: Record<string, string> = {
  "visual.patch_embed.proj": "v.patch_embd", // bias only; the weight is split below
  "visual.pos_embed": "v.position_embd",
  "visual.blocks.{bid}.norm1": "v.blk.{bid}.ln1",
  "visual.blocks.{bid}.attn.qkv": "v.blk.{bid}.attn_qkv",
  "visual.blocks.{bid}.attn.proj": "v.blk.{bid}.attn_out",
  "visual.blocks.{bid}.norm2": "v.blk.{bid}.ln2",
  "visual.blocks.{bid}.mlp.linear_fc1": "v.blk.{bid}.ffn_up",
  "visual.blocks.{bid}.mlp.linear_fc2": "v.blk.{bid}.ffn_down",
  "visual.merger.norm": "v.post_ln",
  "visual.merger.linear_fc1": "mm.0",
  "visual.merger.linear_fc2": "mm.2",
};

/** `model.visual.x` and `visual.x` both name the tower's tensor `visual.x` (qwen3vl.py:73-74). */
export function visualName(hfName: string): string | undefined {
  if (hfName.startsWith("model.visual.")) return hfName.slice("model.".length);
  return hfName.startsWith("visual.") ? hfName : undefined;
}

/** The GGUF name of a `visual.*` tensor, or undefined when the rules do not know it. */
function ggufName(name: string): string | undefined {
  const m = /^(.*)\.(weight|bias)$/.exec(name);
  if (!m) return undefined;
  const bid = /^visual\.blocks\.(\d+)\./.exec(m[1])?.[1];
  const key = bid === undefined ? m[1] : m[1].replace(`visual.blocks.${bid}.`, "visual.blocks.{bid}.");
  const base = NAMES[key]?.replaceAll("{bid}", bid ?? "");
  return base === undefined ? undefined : `${base}.${m[2]}`;
}

/**
 * Rejects a vision tower that llama.cpp would convert but cannot run, naming the config field: clip.cpp's
 * qwen3vl graph fixes what the converter leaves open.
 */
export function checkQwen3VlVision(v: VisionConfig, text: TextConfig, file: string): void {
  const fail = (field: string, msg: string): never => {
    throw new CheckpointError(`${file}: field "${field}": ${msg}`, file, field);
  };
  // the converter splits the Conv3d into exactly two kernels (qwen3vl.py:133)
  if (v.temporal_patch_size !== 2)
    fail("vision_config.temporal_patch_size", `expected 2 (got ${v.temporal_patch_size})`);
  // the graph merges 2x2 patches whatever spatial_merge_size says (models/qwen3vl.cpp:20-30, 170)
  if (v.spatial_merge_size !== 2)
    fail("vision_config.spatial_merge_size", `expected 2 (got ${v.spatial_merge_size})`);
  // clip.cpp feeds RGB images to the patch embedding
  if (v.in_channels !== 3) fail("vision_config.in_channels", `expected 3 (got ${v.in_channels})`);
  // clip.use_gelu selects ggml_gelu, the tanh approximation (qwen3vl.py:48, clip.cpp:1371-1380)
  if (v.hidden_act !== "gelu_pytorch_tanh")
    fail("vision_config.hidden_act", `expected "gelu_pytorch_tanh" (got ${JSON.stringify(v.hidden_act)})`);
  // M-RoPE over head_dim / 2 rotary dims in four sections of head_dim / 4 (models/qwen3vl.cpp:14, 104-109)
  const headDim = v.hidden_size / v.num_heads;
  if (headDim % 4 !== 0)
    fail("vision_config.num_heads", `head size hidden_size / num_heads = ${headDim} is not a multiple of 4`);
  // mtmd_init refuses an mmproj whose output width differs from the text model's (mtmd.cpp:604)
  if (v.out_hidden_size !== text.hidden_size)
    fail(
      "vision_config.out_hidden_size",
      `expected the text model's hidden_size ${text.hidden_size} (got ${v.out_hidden_size})`,
    );
  // Qwen3.5 has no deepstack mergers and llama.cpp's qwen35 text model takes no deepstack features
  if (v.deepstack_visual_indexes.length > 0)
    fail(
      "vision_config.deepstack_visual_indexes",
      `expected [] for ${text.model_type} (got ${JSON.stringify(v.deepstack_visual_indexes)})`,
    );
}

/**
 * Hyper-parameters: MmprojModel.set_gguf_parameters (conversion/base.py:2508-2529) then
 * Qwen3VLVisionModel.set_gguf_parameters (qwen3vl.py:43-60), in the converter's order. clip.cpp reads
 * embedding_length, head_count, feed_forward_length, block_count, projection_dim, layer_norm_epsilon,
 * image_size and patch_size as required keys (clip.cpp:1299-1313), image_mean / image_std as float32
 * arrays of 3 or more (clip.cpp:1396-1409, get_arr_f32 refuses other item types), use_gelu and
 * spatial_merge_size when present (clip.cpp:1371, 1651-1668). image_min/max_pixels are neither written
 * nor read for qwen3vl_merger: clip.cpp fixes the budget at 8..4096 merged tokens (clip.cpp:1659).
 */
export function qwen3VlVisionMetadata(
  v: VisionConfig,
  text: TextConfig,
  pre: { image_mean: number[]; image_std: number[] },
): GgufKv[] {
  return [
    bool("clip.has_vision_encoder", true),
    // n_embd_text: text_config.hidden_size (base.py:2417-2418)
    u32("clip.vision.projection_dim", text.hidden_size),
    // no image_size in vision_config: sqrt(num_position_embeddings) * patch_size (qwen3vl.py:25-33)
    u32("clip.vision.image_size", Math.floor(Math.sqrt(v.num_position_embeddings) * v.patch_size)),
    u32("clip.vision.patch_size", v.patch_size),
    u32("clip.vision.embedding_length", v.hidden_size),
    u32("clip.vision.feed_forward_length", v.intermediate_size),
    u32("clip.vision.block_count", v.depth),
    u32("clip.vision.attention.head_count", v.num_heads),
    arr("clip.vision.image_mean", "float32", pre.image_mean),
    arr("clip.vision.image_std", "float32", pre.image_std),
    str("clip.projector_type", "qwen3vl_merger"),
    bool("clip.use_gelu", true),
    u32("clip.vision.spatial_merge_size", v.spatial_merge_size),
    // the text config's rms_norm_eps (default 1e-6) serves as the ViT's LayerNorm eps (qwen3vl.py:55-57)
    f32("clip.vision.attention.layer_norm_epsilon", text.rms_norm_eps),
    // one flag per block, all false without deepstack; written whenever depth > 0 (qwen3vl.py:39-41, 59-60)
    arr(
      "clip.vision.is_deepstack_layers",
      "bool",
      Array.from({ length: v.depth }, (_, il) => v.deepstack_visual_indexes.includes(il)),
    ),
  ];
}

/**
 * The mmproj tensors of `src`'s vision tower, sorted by HF name as llama.cpp's safetensors reader lists
 * them (gguf-py utility.py SafetensorsLocal; its order across shards is not kept). Every `visual.*` tensor must be known
 * and have the shape `v` implies; every tensor `v` implies must be present (clip.cpp requires each block's
 * attn_out, ffn_up and ffn_down (clip.cpp:2252, 2281, 2285) and mm.0 / mm.2 weight and bias
 * (clip.cpp:2474-2480); models/qwen3vl.cpp:4-5 asserts the patch bias and position embeddings).
 */
export function qwen3VlVisionTensors(src: TensorSource, v: VisionConfig): TensorPlan[] {
  const expected = new Map(visionTensorSpecs(v).map((s) => [visualName(s.name) as string, s.shape]));
  const plans: TensorPlan[] = [];
  const seen = new Set<string>();
  for (const hfName of [...src.tensorNames()].sort()) {
    const name = visualName(hfName);
    if (name === undefined) continue;
    const shape = src.info(hfName).shape;
    const want = expected.get(name);
    const gguf = ggufName(name);
    if (gguf === undefined)
      throw new CheckpointError(
        `${src.dir}: tensor ${hfName} has no mmproj (clip) GGUF name`,
        src.dir,
        hfName,
      );
    if (want === undefined)
      throw new CheckpointError(
        `${src.dir}: tensor ${hfName} is not part of the tower vision_config describes (depth ${v.depth})`,
        src.dir,
        hfName,
      );
    if (shape.join() !== want.join())
      throw new CheckpointError(
        `${src.dir}: tensor ${hfName} has shape [${shape}], vision_config implies [${want}]`,
        src.dir,
        hfName,
      );
    seen.add(name);
    if (name === "visual.patch_embed.proj.weight") plans.push(...splitPatchEmbed(src, hfName, shape));
    else plans.push({ name: gguf, shape, data: () => src.readFloat32(hfName) });
  }
  const missing = [...expected.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0)
    throw new CheckpointError(
      `${src.dir}: the vision tower lacks ${missing.length} tensor(s) vision_config implies: model.${missing.slice(0, 4).join(", model.")}${missing.length > 4 ? ", ..." : ""}`,
      src.dir,
      `model.${missing[0]}`,
    );
  return plans;
}

/** Conv3d [hidden, c, 2, p, p] -> two Conv2d kernels [hidden, c, p, p], frame 0 then frame 1 (qwen3vl.py:135-136). */
function splitPatchEmbed(src: TensorSource, hfName: string, shape: number[]): TensorPlan[] {
  const [out, channels, frames, ph, pw] = shape;
  const plane = ph * pw;
  const frame = (t: number) => () => {
    const all = src.readFloat32(hfName);
    const result = new Float32Array(out * channels * plane);
    for (let oc = 0; oc < out * channels; oc++) {
      const from = (oc * frames + t) * plane;
      result.set(all.subarray(from, from + plane), oc * plane);
    }
    return result;
  };
  const kernel = [out, channels, ph, pw];
  return [
    { name: "v.patch_embd.weight", shape: kernel, data: frame(0) },
    { name: "v.patch_embd.weight.1", shape: kernel, data: frame(1) },
  ];
}
