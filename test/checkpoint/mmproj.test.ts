/**
 * The mmproj (vision tower) GGUF: what make-tiny --vision writes, and that the converter writes the keys
 * and tensors llama.cpp's clip.cpp loads for PROJECTOR_TYPE_QWEN3VL ("qwen3vl_merger") with the names,
 * shapes, value types and tensor types it expects (tools/mtmd/clip.cpp load_hparams / load_tensors and
 * tools/mtmd/models/qwen3vl.cpp of the pinned llama.cpp). The tensor bytes were also compared once with
 * llama.cpp's convert_hf_to_gguf.py --mmproj on these tiny models (f32 and f16, BF16 and F32 stored):
 * identical, in the same order.
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CheckpointError,
  convertMmproj,
  expectedTensors,
  f16ToF32,
  GgmlType,
  type GgufFile,
  ggufMetadataValue,
  hasVisionTower,
  loadTextConfig,
  loadVisionConfig,
  makeTinyModel,
  openCheckpoint,
  readGguf,
  readGgufTensor,
  SafetensorsFile,
  type TensorToWrite,
  visionTensorSpecs,
  writeSafetensors,
} from "../../src/checkpoint/index.js";

const root = mkdtempSync(join(tmpdir(), "rio-mmproj-"));
after(() => rmSync(root, { recursive: true, force: true }));

// a small vocabulary keeps these tests fast; the vision tower does not depend on it
const vocab = { vocab_size: 512 };
let n = 0;
const tmp = () => join(root, `d${n++}`);
const json = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const editJson = (file: string, edit: (j: Record<string, unknown>) => void) => {
  const j = json(file);
  edit(j);
  writeFileSync(file, JSON.stringify(j));
};
const mean = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;

const dir = join(root, "tiny-vision");
let f32: GgufFile;
let f16: GgufFile;
before(() => {
  makeTinyModel({ arch: "qwen3_5", out: dir, seed: 2, dtype: "f32", overrides: vocab, vision: true });
  convertMmproj(dir, join(root, "f32.gguf"), { type: "f32" });
  convertMmproj(dir, join(root, "f16.gguf"));
  f32 = readGguf(join(root, "f32.gguf"));
  f16 = readGguf(join(root, "f16.gguf"));
});

describe("make-tiny --vision", () => {
  for (const arch of ["qwen3_5", "qwen3_5_moe"] as const)
    it(`${arch}: writes vision_config, processor configs and the model.visual.* tensors`, () => {
      const out = tmp();
      makeTinyModel({ arch, out, seed: 1, overrides: vocab, vision: true });
      const config = json(join(out, "config.json"));
      assert.deepEqual(config.vision_config, {
        model_type: `${arch}_vision`,
        deepstack_visual_indexes: [],
        depth: 2,
        hidden_act: "gelu_pytorch_tanh",
        hidden_size: 64,
        in_channels: 3,
        initializer_range: 0.02,
        intermediate_size: 128,
        num_heads: 4,
        num_position_embeddings: 64,
        out_hidden_size: loadTextConfig(out).hidden_size,
        patch_size: 16,
        spatial_merge_size: 2,
        temporal_patch_size: 2,
      });
      // the token ids of config.json are the tokenizer's special tokens
      const added = new Map<string, { id: number; special: boolean }>(
        json(join(out, "tokenizer.json")).added_tokens.map(
          (t: { content: string; id: number; special: boolean }) => [t.content, t],
        ),
      );
      for (const [field, token] of [
        ["image_token_id", "<|image_pad|>"],
        ["video_token_id", "<|video_pad|>"],
        ["vision_start_token_id", "<|vision_start|>"],
        ["vision_end_token_id", "<|vision_end|>"],
      ]) {
        assert.equal(config[field], added.get(token)?.id, field);
        assert.equal(added.get(token)?.special, true, token);
      }
      const pre = json(join(out, "preprocessor_config.json"));
      assert.deepEqual(pre, {
        size: { longest_edge: 512 * 512, shortest_edge: 64 * 64 },
        patch_size: 16,
        temporal_patch_size: 2,
        merge_size: 2,
        image_mean: [0.5, 0.5, 0.5],
        image_std: [0.5, 0.5, 0.5],
        processor_class: "Qwen3VLProcessor",
        image_processor_type: "Qwen2VLImageProcessorFast",
      });
      const video = json(join(out, "video_preprocessor_config.json"));
      assert.equal(video.video_processor_type, "Qwen3VLVideoProcessor");
      assert.deepEqual([video.patch_size, video.temporal_patch_size, video.merge_size], [16, 2, 2]);

      const stored = SafetensorsFile.open(join(out, "model.safetensors"));
      const visual = stored.names().filter((name) => name.startsWith("model.visual."));
      stored.close();
      const expected = visionTensorSpecs(
        loadVisionConfig(out) as NonNullable<ReturnType<typeof loadVisionConfig>>,
      );
      assert.deepEqual(
        visual,
        expected.map((s) => s.name),
      );
      const ckpt = openCheckpoint(out);
      try {
        for (const spec of expected) assert.deepEqual(ckpt.info(spec.name).shape, spec.shape, spec.name);
        const shape = (name: string) => ckpt.info(`model.visual.${name}`).shape;
        assert.deepEqual(shape("patch_embed.proj.weight"), [64, 3, 2, 16, 16]);
        assert.deepEqual(shape("pos_embed.weight"), [64, 64]);
        assert.deepEqual(shape("blocks.1.attn.qkv.weight"), [192, 64]);
        assert.deepEqual(shape("blocks.1.mlp.linear_fc1.weight"), [128, 64]);
        assert.deepEqual(shape("merger.norm.weight"), [64]);
        assert.deepEqual(shape("merger.linear_fc1.weight"), [256, 256]);
        assert.deepEqual(shape("merger.linear_fc2.weight"), [loadTextConfig(out).hidden_size, 256]);
        assert.ok(Math.abs(mean(ckpt.readFloat32("model.visual.blocks.0.norm1.weight")) - 1) < 0.1);
        assert.ok(Math.abs(mean(ckpt.readFloat32("model.visual.blocks.0.attn.qkv.bias"))) < 0.1);
        // the text model is unchanged by the tower
        assert.equal(
          ckpt.tensorNames().filter((name) => !name.startsWith("model.visual.")).length,
          expectedTensors(loadTextConfig(out)).length,
        );
      } finally {
        ckpt.close();
      }
      assert.ok(hasVisionTower(out));
    });

  it("adds the tower to the text model without changing it", () => {
    const [plain, vision] = [tmp(), tmp()];
    makeTinyModel({ arch: "qwen3_5_moe", out: plain, seed: 9, overrides: vocab });
    makeTinyModel({ arch: "qwen3_5_moe", out: vision, seed: 9, overrides: vocab, vision: true });
    const [a, b] = [openCheckpoint(plain), openCheckpoint(vision)];
    try {
      for (const name of a.tensorNames()) assert.deepEqual(a.readFloat32(name), b.readFloat32(name), name);
    } finally {
      a.close();
      b.close();
    }
    assert.equal(hasVisionTower(plain), false, "a vision_config without weights is no vision tower");
  });

  it("refuses --vision for text-only architectures", () => {
    assert.throws(() => makeTinyModel({ arch: "qwen3", out: tmp(), vision: true }), /vision.*qwen3_5/);
  });
});

/** The keys clip.cpp's load_hparams reads for a qwen3vl_merger vision mmproj, with the GGUF type it reads them as. */
const CLIP_KEYS: [string, string][] = [
  ["clip.has_vision_encoder", "bool"],
  ["clip.projector_type", "string"],
  ["clip.use_gelu", "bool"],
  ["clip.vision.embedding_length", "uint32"],
  ["clip.vision.attention.head_count", "uint32"],
  ["clip.vision.feed_forward_length", "uint32"],
  ["clip.vision.block_count", "uint32"],
  ["clip.vision.projection_dim", "uint32"],
  ["clip.vision.attention.layer_norm_epsilon", "float32"],
  ["clip.vision.image_size", "uint32"],
  ["clip.vision.patch_size", "uint32"],
  ["clip.vision.spatial_merge_size", "uint32"],
  ["clip.vision.image_mean", "array:float32"],
  ["clip.vision.image_std", "array:float32"],
];

describe("convertMmproj", () => {
  it("writes the converter's keys, typed as clip.cpp reads them", () => {
    const text = loadTextConfig(dir);
    const expected: Record<string, unknown> = {
      "general.architecture": "clip",
      "general.type": "mmproj",
      "general.name": "tiny-vision",
      "general.file_type": 0,
      "clip.has_vision_encoder": true,
      "clip.vision.projection_dim": text.hidden_size,
      "clip.vision.image_size": 128,
      "clip.vision.patch_size": 16,
      "clip.vision.embedding_length": 64,
      "clip.vision.feed_forward_length": 128,
      "clip.vision.block_count": 2,
      "clip.vision.attention.head_count": 4,
      "clip.vision.image_mean": [0.5, 0.5, 0.5],
      "clip.vision.image_std": [0.5, 0.5, 0.5],
      "clip.projector_type": "qwen3vl_merger",
      "clip.use_gelu": true,
      "clip.vision.spatial_merge_size": 2,
      "clip.vision.attention.layer_norm_epsilon": Math.fround(1e-6),
      "clip.vision.is_deepstack_layers": [false, false],
      "general.quantization_version": 2,
    };
    assert.deepEqual([...f32.metadata.keys()], Object.keys(expected), "keys in the converter's order");
    for (const [key, value] of Object.entries(expected))
      assert.deepEqual(ggufMetadataValue(f32, key), value, key);
    for (const [key, type] of CLIP_KEYS) {
      const v = f32.metadata.get(key);
      assert.ok(v, key);
      assert.equal(v.type === "array" ? `array:${v.itemType}` : v.type, type, key);
    }
    assert.equal(ggufMetadataValue(f16, "general.file_type"), 1);
    // no mixed-modality keys: clip.projector_type alone names the projector
    assert.equal(ggufMetadataValue(f32, "clip.vision.projector_type"), undefined);
    assert.equal(ggufMetadataValue(f32, "clip.has_audio_encoder"), undefined);
  });

  it("writes the tensors clip.cpp loads for qwen3vl_merger, with the shapes its graph assumes", () => {
    const e = 64; // n_embd
    const names = f32.tensors.map((t) => t.name);
    const dims = (name: string) => f32.tensors.find((t) => t.name === name)?.dims;
    const expected: Record<string, number[]> = {
      // ggml_conv_2d kernels {KW, KH, IC, OC}, one per frame of a temporal patch (models/qwen2vl.cpp)
      "v.patch_embd.weight": [16, 16, 3, e],
      "v.patch_embd.weight.1": [16, 16, 3, e],
      "v.patch_embd.bias": [e], // asserted by models/qwen3vl.cpp
      // {n_embd, side²}: resize_position_embeddings reshapes to {n_embd, side, side}
      "v.position_embd.weight": [e, 64],
      "v.post_ln.weight": [e],
      "v.post_ln.bias": [e],
      // the graph reshapes to {n_embd * 4, n_pos / 4} before mm.0; mm.2's bias sets n_mmproj_embd
      "mm.0.weight": [4 * e, 4 * e],
      "mm.0.bias": [4 * e],
      "mm.2.weight": [4 * e, loadTextConfig(dir).hidden_size],
      "mm.2.bias": [loadTextConfig(dir).hidden_size],
    };
    for (let il = 0; il < 2; il++)
      Object.assign(expected, {
        [`v.blk.${il}.ln1.weight`]: [e],
        [`v.blk.${il}.ln1.bias`]: [e],
        // one matmul, then views at offsets 0, n_embd, 2 n_embd for Q, K, V
        [`v.blk.${il}.attn_qkv.weight`]: [e, 3 * e],
        [`v.blk.${il}.attn_qkv.bias`]: [3 * e],
        [`v.blk.${il}.attn_out.weight`]: [e, e],
        [`v.blk.${il}.attn_out.bias`]: [e],
        [`v.blk.${il}.ln2.weight`]: [e],
        [`v.blk.${il}.ln2.bias`]: [e],
        [`v.blk.${il}.ffn_up.weight`]: [e, 128],
        [`v.blk.${il}.ffn_up.bias`]: [128],
        [`v.blk.${il}.ffn_down.weight`]: [128, e],
        [`v.blk.${il}.ffn_down.bias`]: [e],
      });
    assert.deepEqual([...names].sort(), Object.keys(expected).sort());
    for (const [name, shape] of Object.entries(expected)) assert.deepEqual(dims(name), shape, name);
    // nothing clip.cpp would pick up by a name it does not expect here
    assert.ok(!names.some((name) => /class_embd|pre_ln|deepstack|attn_[qkv]\./.test(name)));
    const side = Math.sqrt(dims("v.position_embd.weight")?.[1] ?? 0);
    assert.ok(Number.isInteger(side), "clip.cpp takes the position grid side as sqrt(ne[1])");
    const d = ggufMetadataValue(f32, "clip.vision.embedding_length") as number;
    const heads = ggufMetadataValue(f32, "clip.vision.attention.head_count") as number;
    assert.equal((d / heads) % 4, 0, "M-RoPE splits head_dim into four sections of head_dim / 4");
  });

  it("keeps F32 what llama.cpp's converter keeps F32 in an F16 mmproj", () => {
    assert.ok(f32.tensors.every((t) => t.type === GgmlType.F32));
    for (const t of f16.tensors) {
      const half =
        /^v\.patch_embd\.weight(\.1)?$/.test(t.name) ||
        (t.dims.length === 2 && t.name.endsWith(".weight") && t.name !== "v.position_embd.weight");
      assert.equal(t.type, half ? GgmlType.F16 : GgmlType.F32, t.name);
    }
    assert.equal(f16.tensors.find((t) => t.name === "v.blk.0.attn_qkv.weight")?.type, GgmlType.F16);
    assert.equal(f16.tensors.find((t) => t.name === "v.position_embd.weight")?.type, GgmlType.F32);
  });

  it("splits the Conv3d into its two frames and copies the other tensors as they are", () => {
    const ckpt = openCheckpoint(dir);
    try {
      const values = (g: GgufFile, name: string) => {
        const bytes = readGgufTensor(g, name);
        return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      };
      const conv = ckpt.readFloat32("model.visual.patch_embed.proj.weight"); // [64, 3, 2, 16, 16]
      const frame = (t: number) => {
        const out = new Float32Array(64 * 3 * 256);
        for (let oc = 0; oc < 64 * 3; oc++)
          out.set(conv.subarray((oc * 2 + t) * 256, (oc * 2 + t + 1) * 256), oc * 256);
        return out;
      };
      assert.deepEqual(values(f32, "v.patch_embd.weight"), frame(0));
      assert.deepEqual(values(f32, "v.patch_embd.weight.1"), frame(1));
      for (const [gguf, hf] of [
        ["v.position_embd.weight", "pos_embed.weight"],
        ["v.blk.1.attn_qkv.weight", "blocks.1.attn.qkv.weight"],
        ["v.blk.1.attn_out.bias", "blocks.1.attn.proj.bias"],
        ["v.blk.0.ffn_up.weight", "blocks.0.mlp.linear_fc1.weight"],
        ["v.blk.0.ffn_down.weight", "blocks.0.mlp.linear_fc2.weight"],
        ["v.blk.0.ln2.bias", "blocks.0.norm2.bias"],
        ["v.post_ln.weight", "merger.norm.weight"],
        ["mm.0.weight", "merger.linear_fc1.weight"],
        ["mm.2.bias", "merger.linear_fc2.bias"],
      ])
        assert.deepEqual(values(f32, gguf), ckpt.readFloat32(`model.visual.${hf}`), gguf);
      const bytes = readGgufTensor(f16, "mm.0.weight");
      const half = f16ToF32(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));
      const exact = ckpt.readFloat32("model.visual.merger.linear_fc1.weight");
      assert.ok(half.every((v, i) => Math.abs(v - exact[i]) <= Math.abs(exact[i]) * 2 ** -11 + 2 ** -24));
    } finally {
      ckpt.close();
    }
  });

  it("accepts the tower under visual.* as well as model.visual.*", () => {
    const out = tmp();
    cpSync(dir, out, { recursive: true });
    const file = SafetensorsFile.open(join(dir, "model.safetensors"));
    const tensors: TensorToWrite[] = file.names().map((name) => ({
      name: name.replace(/^model\.visual\./, "visual."),
      dtype: "F32",
      shape: file.info(name).shape,
      data: new Float32Array(file.readBytes(name).slice().buffer),
    }));
    file.close();
    writeSafetensors(join(out, "model.safetensors"), tensors);
    convertMmproj(out, join(out, "mmproj.gguf"), { type: "f32" });
    assert.deepEqual(
      readFileSync(join(out, "mmproj.gguf")).subarray(-200_000),
      readFileSync(join(root, "f32.gguf")).subarray(-200_000),
    );
  });
});

describe("convertMmproj errors", () => {
  const failsWith = (edit: (d: string) => void, pattern: RegExp, field?: string) => {
    const d = tmp();
    cpSync(dir, d, { recursive: true });
    edit(d);
    assert.throws(
      () => convertMmproj(d, join(d, "out.gguf")),
      (err: unknown) =>
        err instanceof CheckpointError &&
        pattern.test(err.message) &&
        (field === undefined || err.field === field) &&
        !existsSync(join(d, "out.gguf")),
    );
  };
  const editVision = (d: string, edit: (v: Record<string, unknown>) => void) =>
    editJson(join(d, "config.json"), (j) => edit(j.vision_config as Record<string, unknown>));

  it("names a missing or invalid vision_config field", () => {
    failsWith(
      (d) => editVision(d, (v) => delete v.depth),
      /vision_config\.depth.*missing/,
      "vision_config.depth",
    );
    failsWith(
      (d) => editVision(d, (v) => (v.num_position_embeddings = 60)),
      /perfect square/,
      "vision_config.num_position_embeddings",
    );
    failsWith((d) => editVision(d, (v) => (v.num_heads = 5)), /does not divide/, "vision_config.num_heads");
  });

  it("refuses towers clip.cpp's qwen3vl graph cannot run, naming the field", () => {
    failsWith(
      (d) => editVision(d, (v) => (v.spatial_merge_size = 1)),
      /expected 2/,
      "vision_config.spatial_merge_size",
    );
    failsWith(
      (d) => editVision(d, (v) => (v.out_hidden_size = 32)),
      /hidden_size 64/,
      "vision_config.out_hidden_size",
    );
    failsWith(
      (d) => editVision(d, (v) => (v.deepstack_visual_indexes = [0])),
      /expected \[\] for qwen3_5/,
      "vision_config.deepstack_visual_indexes",
    );
    failsWith(
      (d) => editVision(d, (v) => (v.hidden_act = "silu")),
      /gelu_pytorch_tanh/,
      "vision_config.hidden_act",
    );
  });

  it("names tensors that are missing, unknown or of the wrong shape", () => {
    failsWith((d) => editVision(d, (v) => (v.depth = 3)), /lacks 12 tensor.*model\.visual\.blocks\.2\./);
    failsWith(
      (d) => editVision(d, (v) => (v.intermediate_size = 96)),
      /model\.visual\.blocks\.0\.mlp\.linear_fc1\.bias has shape \[128\], vision_config implies \[96\]/,
    );
    failsWith(
      (d) => editVision(d, (v) => (v.depth = 1)),
      /model\.visual\.blocks\.1\..* is not part of the tower.*depth 1/,
    );
  });

  it("needs the processor's image_mean and image_std", () => {
    failsWith(
      (d) => rmSync(join(d, "preprocessor_config.json")),
      /preprocessor_config\.json.*image_mean.*no such file/,
    );
    failsWith(
      (d) => editJson(join(d, "preprocessor_config.json"), (j) => delete j.image_std),
      /image_std.*missing/,
      "image_std",
    );
  });

  it("says when a checkpoint has no vision tower", () => {
    const text = tmp();
    makeTinyModel({ arch: "qwen3_5", out: text, overrides: vocab });
    assert.throws(
      () => convertMmproj(text, join(text, "out.gguf")),
      /vision_config but the weights hold no model\.visual\.\* tensors/,
    );
    const qwen3 = tmp();
    makeTinyModel({ arch: "qwen3", out: qwen3, overrides: vocab });
    assert.throws(
      () => convertMmproj(qwen3, join(qwen3, "out.gguf")),
      (err: unknown) =>
        err instanceof CheckpointError &&
        err.field === "vision_config" &&
        /no vision tower/.test(err.message),
    );
    assert.equal(hasVisionTower(qwen3), false);
  });
});
