import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type Checkpoint,
  convertToGguf,
  dequantise,
  GgmlType,
  type GgufFile,
  ggufMetadataValue,
  makeTinyModel,
  openCheckpoint,
  type Quant,
  quantise,
  readGguf,
  readGgufTensor,
  TokenType,
} from "../../src/checkpoint/index.js";

const dir = mkdtempSync(join(tmpdir(), "rio-convert-"));
const tied = join(dir, "tied");
const untied = join(dir, "untied");
let ckpt: Checkpoint;
const files = new Map<Quant, GgufFile>();
const progress: [number, number][] = [];

before(() => {
  makeTinyModel({ arch: "qwen3", out: tied, seed: 3 });
  // intermediate 48: ffn_down rows are 48 long, not whole Q8_0/Q4_0 blocks
  makeTinyModel({
    arch: "qwen3",
    out: untied,
    seed: 4,
    dtype: "f32",
    overrides: { tie_word_embeddings: false, intermediate_size: 48 },
  });
  ckpt = openCheckpoint(tied);
  for (const quant of ["f32", "f16", "bf16", "q8_0", "q4_0"] as Quant[]) {
    const out = join(dir, `tied-${quant}.gguf`);
    convertToGguf(tied, out, {
      quant,
      onProgress: quant === "q8_0" ? (d, t) => progress.push([d, t]) : undefined,
    });
    files.set(quant, readGguf(out));
  }
});
after(() => {
  ckpt?.close();
  rmSync(dir, { recursive: true, force: true });
});

const meta = (g: GgufFile, key: string) => ggufMetadataValue(g, key);
const floats = (bytes: Uint8Array) => new Float32Array(bytes.slice().buffer);

describe("convertToGguf qwen3", () => {
  it("writes the hyper-parameters llama.cpp needs", () => {
    const g = files.get("q8_0") as GgufFile;
    const c = ckpt.config;
    const expected: Record<string, unknown> = {
      "general.architecture": "qwen3",
      "general.file_type": 7,
      "general.quantization_version": 2,
      "qwen3.block_count": c.num_hidden_layers,
      "qwen3.context_length": c.max_position_embeddings,
      "qwen3.embedding_length": c.hidden_size,
      "qwen3.feed_forward_length": c.intermediate_size,
      "qwen3.attention.head_count": c.num_attention_heads,
      "qwen3.attention.head_count_kv": c.num_key_value_heads,
      "qwen3.attention.key_length": c.head_dim,
      "qwen3.attention.value_length": c.head_dim,
      "qwen3.attention.layer_norm_rms_epsilon": Math.fround(c.rms_norm_eps),
      "qwen3.rope.freq_base": c.rope_theta,
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(meta(g, key), value, key);
    assert.equal(g.metadata.get("qwen3.rope.freq_base")?.type, "float32");
    assert.equal(g.metadata.get("qwen3.block_count")?.type, "uint32");
    assert.deepEqual(
      [..."f32 f16 bf16 q4_0".split(" ")].map((q) =>
        meta(files.get(q as Quant) as GgufFile, "general.file_type"),
      ),
      [0, 1, 32, 2],
    );
  });

  it("writes the full tokenizer as llama.cpp's gpt2 vocab path does", () => {
    const g = files.get("f16") as GgufFile;
    const tokens = meta(g, "tokenizer.ggml.tokens") as string[];
    const types = meta(g, "tokenizer.ggml.token_type") as number[];
    assert.equal(meta(g, "tokenizer.ggml.model"), "gpt2");
    assert.equal(meta(g, "tokenizer.ggml.pre"), "qwen2");
    assert.equal(tokens.length, 151936);
    assert.equal(types.length, 151936);
    assert.equal(new Set(tokens).size, tokens.length);
    assert.deepEqual([tokens[0], types[0]], ["!", TokenType.NORMAL]);
    assert.deepEqual([tokens[151643], types[151643]], ["<|endoftext|>", TokenType.CONTROL]);
    assert.deepEqual([tokens[151645], types[151645]], ["<|im_end|>", TokenType.CONTROL]);
    assert.deepEqual([tokens[151667], types[151667]], ["<think>", TokenType.USER_DEFINED]);
    assert.deepEqual([tokens[151669], types[151669]], ["[PAD151669]", TokenType.UNUSED]);
    const tokJson = JSON.parse(readFileSync(join(tied, "tokenizer.json"), "utf8"));
    const merges = meta(g, "tokenizer.ggml.merges") as string[];
    assert.equal(merges.length, tokJson.model.merges.length);
    assert.equal(merges[0], tokJson.model.merges[0].join(" "));
    assert.equal(meta(g, "tokenizer.ggml.eos_token_id"), 151645);
    assert.equal(meta(g, "tokenizer.ggml.padding_token_id"), 151643);
    assert.equal(meta(g, "tokenizer.ggml.bos_token_id"), 151643);
    assert.equal(meta(g, "tokenizer.ggml.add_bos_token"), false);
    const cfg = JSON.parse(readFileSync(join(tied, "tokenizer_config.json"), "utf8"));
    assert.equal(meta(g, "tokenizer.chat_template"), cfg.chat_template);
  });

  it("names, shapes and types the tensors; tied embeddings have no output.weight", () => {
    const c = ckpt.config;
    for (const [quant, g] of files) {
      const byName = new Map(g.tensors.map((t) => [t.name, t]));
      assert.equal(g.tensors.length, 2 + 11 * c.num_hidden_layers, quant);
      assert.ok(!byName.has("output.weight"));
      assert.deepEqual(byName.get("token_embd.weight")?.dims, [c.hidden_size, c.vocab_size]);
      assert.deepEqual(byName.get("blk.1.ffn_down.weight")?.dims, [c.intermediate_size, c.hidden_size]);
      assert.deepEqual(byName.get("blk.0.attn_q.weight")?.dims, [
        c.hidden_size,
        c.num_attention_heads * c.head_dim,
      ]);
      assert.equal(byName.get("blk.0.attn_k_norm.weight")?.type, GgmlType.F32);
      assert.equal(byName.get("output_norm.weight")?.type, GgmlType.F32);
      const target = {
        f32: GgmlType.F32,
        f16: GgmlType.F16,
        bf16: GgmlType.BF16,
        q8_0: GgmlType.Q8_0,
        q4_0: GgmlType.Q4_0,
      }[quant];
      assert.equal(byName.get("token_embd.weight")?.type, target, quant);
      assert.equal(byName.get("blk.1.ffn_up.weight")?.type, target, quant);
    }
  });

  it("stores F32 tensors bit-exactly and quantised ones exactly as the quantiser does", () => {
    const f32 = files.get("f32") as GgufFile;
    const q8 = files.get("q8_0") as GgufFile;
    for (const [hf, gg] of [
      ["model.embed_tokens.weight", "token_embd.weight"],
      ["model.layers.1.self_attn.o_proj.weight", "blk.1.attn_output.weight"],
      ["model.layers.0.input_layernorm.weight", "blk.0.attn_norm.weight"],
    ]) {
      const values = ckpt.readFloat32(hf);
      assert.deepEqual(floats(readGgufTensor(f32, gg)), values, gg);
      const info = q8.tensors.find((t) => t.name === gg);
      if (info?.type !== GgmlType.Q8_0) continue;
      const bytes = readGgufTensor(q8, gg);
      assert.deepEqual(bytes, quantise(GgmlType.Q8_0, values));
      const back = dequantise(GgmlType.Q8_0, bytes, values.length);
      for (let b = 0; b < values.length / 32; b++) {
        let amax = 0;
        for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(values[b * 32 + j]));
        for (let j = 0; j < 32; j++)
          assert.ok(Math.abs(values[b * 32 + j] - back[b * 32 + j]) <= (amax / 127) * 0.57 + 1e-7);
      }
    }
  });

  it("reports progress once per tensor", () => {
    const total = (files.get("q8_0") as GgufFile).tensors.length;
    assert.deepEqual(
      progress,
      Array.from({ length: total }, (_, i) => [i + 1, total]),
    );
  });

  it("keeps lm_head when untied and falls back to F16 for rows that are not whole blocks", () => {
    const out = join(dir, "untied-q4_0.gguf");
    convertToGguf(untied, out, { quant: "q4_0" });
    const g = readGguf(out);
    const byName = new Map(g.tensors.map((t) => [t.name, t]));
    assert.equal(byName.get("output.weight")?.type, GgmlType.Q4_0);
    assert.equal(byName.get("blk.0.ffn_down.weight")?.type, GgmlType.F16);
    assert.equal(byName.get("blk.0.ffn_gate.weight")?.type, GgmlType.Q4_0);
    assert.equal(meta(g, "qwen3.feed_forward_length"), 48);
  });
});
