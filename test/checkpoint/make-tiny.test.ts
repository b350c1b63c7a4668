import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import {
  expectedTensors,
  loadTextConfig,
  MODEL_TYPES,
  makeTinyModel,
  openCheckpoint,
  SafetensorsFile,
} from "../../src/checkpoint/index.js";
import { resolveShape } from "../../src/checkpoint/tiny/tiny-config.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-tiny-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

// a small vocabulary keeps these tests fast; the default is Qwen3's 151936
const vocab = { vocab_size: 512 };
const tmp = () => fs.mkdtempSync(path.join(root, "d"));
const mean = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;

for (const arch of MODEL_TYPES) {
  test(`${arch}: folder loads and holds every tensor the config implies`, () => {
    const out = tmp();
    makeTinyModel({ arch, out, seed: 3, overrides: vocab });
    for (const f of [
      "config.json",
      "generation_config.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "model.safetensors",
    ]) {
      assert.ok(fs.existsSync(path.join(out, f)), f);
    }
    const config = loadTextConfig(out);
    assert.equal(config.model_type, arch);
    assert.equal(config.vocab_size, 512);
    const ckpt = openCheckpoint(out);
    const expected = expectedTensors(config);
    assert.deepEqual(
      ckpt.tensorNames(),
      expected.map((t) => t.name),
    );
    for (const spec of expected) {
      assert.deepEqual(ckpt.info(spec.name).shape, spec.shape, spec.name);
      assert.equal(ckpt.info(spec.name).dtype, "BF16");
    }
    const hybrid = arch === "qwen3_5" || arch === "qwen3_5_moe";
    // Qwen3.5 RMSNorm weights are applied as (1 + w): stored near 0; the others near 1
    const norm = mean(ckpt.readFloat32("model.layers.0.input_layernorm.weight"));
    assert.ok(Math.abs(norm - (hybrid ? 0 : 1)) < 0.1, `norm mean ${norm}`);
    ckpt.close();
    const stored = SafetensorsFile.open(path.join(out, "model.safetensors"));
    assert.equal(
      stored.has("model.language_model.embed_tokens.weight"),
      hybrid,
      "Qwen3.5 stores the text model under model.language_model",
    );
    stored.close();
  });
}

test("qwen3_5 layers: three linear-attention layers then one gated full-attention layer", () => {
  const out = tmp();
  makeTinyModel({ arch: "qwen3_5_moe", out, overrides: vocab });
  const config = loadTextConfig(out);
  assert.deepEqual(config.layer_types, [
    "linear_attention",
    "linear_attention",
    "linear_attention",
    "full_attention",
  ]);
  const ckpt = openCheckpoint(out);
  const names = ckpt.tensorNames();
  assert.ok(names.includes("model.layers.0.linear_attn.in_proj_qkv.weight"));
  assert.ok(names.includes("model.layers.0.mlp.experts.gate_up_proj"));
  assert.ok(names.includes("model.layers.0.mlp.shared_expert_gate.weight"));
  const heads = config.num_attention_heads * config.head_dim;
  assert.deepEqual(ckpt.info("model.layers.3.self_attn.q_proj.weight").shape, [
    2 * heads,
    config.hidden_size,
  ]);
  assert.ok(
    Math.abs(mean(ckpt.readFloat32("model.layers.0.linear_attn.norm.weight")) - 1) < 0.1,
    "gated norm applied as w",
  );
  ckpt.close();
  const json = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8"));
  assert.deepEqual(json.architectures, ["Qwen3_5MoeForConditionalGeneration"]);
  assert.equal(json.text_config.model_type, "qwen3_5_moe_text");
});

test("same seed gives the same bytes; another seed differs", () => {
  const [a, b, c] = [tmp(), tmp(), tmp()];
  makeTinyModel({ arch: "qwen3_moe", out: a, seed: 7, overrides: vocab });
  makeTinyModel({ arch: "qwen3_moe", out: b, seed: 7, overrides: vocab });
  makeTinyModel({ arch: "qwen3_moe", out: c, seed: 8, overrides: vocab });
  const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f));
  for (const f of ["model.safetensors", "config.json", "generation_config.json"])
    assert.deepEqual(read(a, f), read(b, f), f);
  assert.notDeepEqual(read(a, "model.safetensors"), read(c, "model.safetensors"));
});

test("given weights replace the seeded ones; a wrong size or an unknown name is an error naming it", () => {
  const dir = tmp();
  const overrides = { ...vocab, tie_word_embeddings: false };
  const head = Float32Array.from({ length: 512 * 64 }, (_, i) => i % 7);
  makeTinyModel({ arch: "qwen3", out: dir, dtype: "f32", overrides, weights: { "lm_head.weight": head } });
  const ckpt = openCheckpoint(dir);
  try {
    assert.deepEqual(ckpt.readFloat32("lm_head.weight"), head);
  } finally {
    ckpt.close();
  }
  assert.throws(
    () =>
      makeTinyModel({
        arch: "qwen3",
        out: tmp(),
        overrides,
        weights: { "lm_head.weight": head.subarray(1) },
      }),
    /lm_head\.weight.*32767 values.*32768/,
  );
  assert.throws(
    () => makeTinyModel({ arch: "qwen3", out: tmp(), overrides, weights: { "lm_head.wieght": head } }),
    /lm_head\.wieght/,
  );
});

test("config.json and generation_config.json carry what HF loaders expect", () => {
  const out = tmp();
  makeTinyModel({ arch: "qwen3", out, dtype: "f32", overrides: { ...vocab, tie_word_embeddings: false } });
  const json = JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8"));
  assert.deepEqual(json.architectures, ["Qwen3ForCausalLM"]);
  assert.equal(json.torch_dtype, "float32");
  assert.equal(json.eos_token_id, 151645);
  const gen = JSON.parse(fs.readFileSync(path.join(out, "generation_config.json"), "utf8"));
  assert.deepEqual(gen.eos_token_id, [151645, 151643]);
  assert.deepEqual([gen.temperature, gen.top_p, gen.top_k], [0.6, 0.95, 20]);
  const ckpt = openCheckpoint(out);
  assert.equal(ckpt.info("lm_head.weight").dtype, "F32");
  ckpt.close();
});

test("shape presets and defaults", () => {
  const small = resolveShape("qwen3");
  assert.deepEqual(
    [
      small.num_hidden_layers,
      small.hidden_size,
      small.num_attention_heads,
      small.num_key_value_heads,
      small.head_dim,
      small.intermediate_size,
      small.vocab_size,
    ],
    [2, 64, 4, 2, 16, 128, 151936],
  );
  const real = resolveShape("qwen3", "qwen3-0.6b", { num_hidden_layers: 2 });
  assert.deepEqual(
    [
      real.num_hidden_layers,
      real.hidden_size,
      real.num_attention_heads,
      real.num_key_value_heads,
      real.head_dim,
      real.intermediate_size,
      real.tie_word_embeddings,
    ],
    [2, 1024, 16, 8, 128, 3072, true],
  );
  assert.equal(resolveShape("qwen3_5").num_hidden_layers, 4);
});

test("without vision, Qwen3.5 folders are byte for byte what they were before make-tiny --vision existed", () => {
  // sha256 over (name, bytes) of config.json, generation_config.json, model.safetensors, taken before the
  // vision tower was added (the tokenizer files are copies of the package's and left out)
  const pinned = {
    qwen3_5: "6bfb58044f42449c04f83bfa6bb8295192ea1f1884ba8c196f87f957b11add31",
    qwen3_5_moe: "117b7b651ca5a740bdb3788f0639d0c9c9103ca2278a1411461ee1e9b22840f5",
  };
  for (const [arch, digest] of Object.entries(pinned)) {
    const out = tmp();
    makeTinyModel({ arch: arch as keyof typeof pinned, out, seed: 3, overrides: vocab });
    const hash = createHash("sha256");
    for (const f of ["config.json", "generation_config.json", "model.safetensors"])
      hash.update(f).update(fs.readFileSync(path.join(out, f)));
    assert.equal(hash.digest("hex"), digest, arch);
    assert.ok(!fs.existsSync(path.join(out, "preprocessor_config.json")));
  }
});
