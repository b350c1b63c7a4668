import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { CheckpointError, loadTextConfig } from "../../src/checkpoint/index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-cfg-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const qwen3 = {
  model_type: "qwen3",
  vocab_size: 151936,
  hidden_size: 1024,
  num_hidden_layers: 28,
  num_attention_heads: 16,
  num_key_value_heads: 8,
  intermediate_size: 3072,
  rope_theta: 1000000,
  tie_word_embeddings: true,
};

const qwen35Moe = {
  architectures: ["Qwen3_5MoeForConditionalGeneration"],
  model_type: "qwen3_5_moe",
  tie_word_embeddings: false,
  text_config: {
    model_type: "qwen3_5_moe_text",
    vocab_size: 248320,
    hidden_size: 2048,
    num_hidden_layers: 8,
    num_attention_heads: 16,
    num_key_value_heads: 2,
    head_dim: 256,
    num_experts: 256,
    num_experts_per_tok: 8,
    moe_intermediate_size: 512,
    shared_expert_intermediate_size: 512,
    linear_num_key_heads: 16,
    linear_num_value_heads: 32,
    linear_key_head_dim: 128,
    linear_value_head_dim: 128,
    rope_parameters: {
      rope_type: "default",
      rope_theta: 10000000,
      partial_rotary_factor: 0.25,
      mrope_section: [11, 11, 10],
    },
  },
};

function dirWith(config: unknown): string {
  const dir = fs.mkdtempSync(path.join(root, "d"));
  fs.writeFileSync(
    path.join(dir, "config.json"),
    typeof config === "string" ? config : JSON.stringify(config),
  );
  return dir;
}

function assertConfigFails(config: unknown, field: string, pattern: RegExp): void {
  const dir = dirWith(config);
  assert.throws(
    () => loadTextConfig(dir),
    (err: unknown) => {
      assert.ok(err instanceof CheckpointError, String(err));
      assert.equal(err.file, path.join(dir, "config.json"));
      assert.equal(err.field, field);
      assert.ok(err.message.includes(`field "${field}"`), err.message);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

test("qwen3: values and HF defaults", () => {
  const c = loadTextConfig(dirWith(qwen3));
  assert.equal(c.model_type, "qwen3");
  assert.equal(c.head_dim, 128, "Qwen3Config's head_dim default");
  assert.equal(c.rms_norm_eps, 1e-6);
  assert.equal(c.max_position_embeddings, 32768);
  assert.equal(c.rope_theta, 1000000);
  assert.equal(c.tie_word_embeddings, true);
  assert.equal(c.layer_types, undefined);
  const noKv = loadTextConfig(dirWith({ ...qwen3, num_key_value_heads: undefined, rope_theta: undefined }));
  assert.equal(noKv.num_key_value_heads, 16, "kv heads default to the attention heads");
  assert.equal(noKv.rope_theta, 10000);
  const v5 = loadTextConfig(
    dirWith({ ...qwen3, rope_theta: undefined, rope_parameters: { rope_type: "default", rope_theta: 5e6 } }),
  );
  assert.equal(v5.rope_theta, 5e6, "transformers v5 rope_parameters");
});

test("qwen3_moe: head_dim defaults to hidden / heads, MoE defaults", () => {
  const c = loadTextConfig(
    dirWith({
      ...qwen3,
      model_type: "qwen3_moe",
      num_experts: 128,
      num_experts_per_tok: 8,
      moe_intermediate_size: 768,
    }),
  );
  assert.equal(c.head_dim, 64);
  assert.equal(c.norm_topk_prob, false);
  assert.equal(c.decoder_sparse_step, 1);
  assert.deepEqual(c.mlp_only_layers, []);
});

test("qwen3_5_moe: text_config unwrapped, layer_types derived, rope parameters read", () => {
  const c = loadTextConfig(dirWith(qwen35Moe));
  assert.equal(c.model_type, "qwen3_5_moe");
  assert.equal(c.hidden_size, 2048);
  assert.equal(c.intermediate_size, 512, "no dense MLP: mirrors moe_intermediate_size");
  assert.deepEqual(c.layer_types, [
    "linear_attention",
    "linear_attention",
    "linear_attention",
    "full_attention",
    "linear_attention",
    "linear_attention",
    "linear_attention",
    "full_attention",
  ]);
  assert.equal(c.rope_theta, 10000000);
  assert.equal(c.partial_rotary_factor, 0.25);
  assert.deepEqual(c.mrope_section, [11, 11, 10]);
  assert.equal(c.norm_topk_prob, true);
  assert.equal(c.linear_conv_kernel_dim, 4);
  assert.equal(c.tie_word_embeddings, false);
});

test("qwen3_5: top-level text config and full_attention_interval", () => {
  const { text_config, ...outer } = qwen35Moe;
  const {
    num_experts,
    num_experts_per_tok,
    moe_intermediate_size,
    shared_expert_intermediate_size,
    ...dense
  } = text_config;
  void outer;
  const c = loadTextConfig(
    dirWith({
      ...dense,
      model_type: "qwen3_5_text",
      intermediate_size: 4096,
      full_attention_interval: 2,
      num_hidden_layers: 4,
    }),
  );
  assert.equal(c.model_type, "qwen3_5");
  assert.deepEqual(c.layer_types, [
    "linear_attention",
    "full_attention",
    "linear_attention",
    "full_attention",
  ]);
});

test("unknown or missing architecture", () => {
  assertConfigFails(
    { ...qwen3, model_type: "llama" },
    "model_type",
    /unsupported architecture "llama"; expected one of qwen3, qwen3_moe/,
  );
  assertConfigFails({ ...qwen3, model_type: undefined }, "model_type", /missing/);
  assertConfigFails(
    { ...qwen35Moe, text_config: { ...qwen35Moe.text_config, model_type: "qwen3_next" } },
    "text_config.model_type",
    /expected "qwen3_5_moe_text"/,
  );
});

test("missing and ill-typed fields name the field path and the expectation", () => {
  assertConfigFails({ ...qwen3, hidden_size: undefined }, "hidden_size", /expected number \(missing\)/);
  assertConfigFails({ ...qwen3, hidden_size: "1024" }, "hidden_size", /expected number.*\(got "1024"\)/);
  assertConfigFails({ ...qwen3, num_hidden_layers: 2.5 }, "num_hidden_layers", /int/i);
  assertConfigFails({ ...qwen3, tie_word_embeddings: "yes" }, "tie_word_embeddings", /expected boolean/);
  assertConfigFails(
    { ...qwen3, attention_bias: true },
    "attention_bias",
    /attention biases are not supported/,
  );
  assertConfigFails(
    { ...qwen35Moe, text_config: { ...qwen35Moe.text_config, linear_num_key_heads: undefined } },
    "text_config.linear_num_key_heads",
    /expected number/,
  );
  assertConfigFails(
    {
      ...qwen35Moe,
      text_config: { ...qwen35Moe.text_config, layer_types: ["full_attention", "sliding_attention"] },
    },
    "text_config.layer_types.1",
    /linear_attention|full_attention/,
  );
});

test("inconsistent fields", () => {
  assertConfigFails(
    { ...qwen3, num_key_value_heads: 3 },
    "num_key_value_heads",
    /does not divide num_attention_heads 16/,
  );
  assertConfigFails(
    { ...qwen35Moe, text_config: { ...qwen35Moe.text_config, layer_types: ["full_attention"] } },
    "text_config.layer_types",
    /has 1 entries, expected num_hidden_layers = 8/,
  );
  assertConfigFails(
    { ...qwen35Moe, text_config: { ...qwen35Moe.text_config, num_experts_per_tok: 300 } },
    "text_config.num_experts_per_tok",
    /exceeds num_experts 256/,
  );
});

test("unreadable config.json", () => {
  const dir = dirWith("{oops");
  assert.throws(
    () => loadTextConfig(dir),
    (err: unknown) => err instanceof CheckpointError && /cannot read/.test(err.message),
  );
  assert.throws(() => loadTextConfig("/nonexistent-dir"), /nonexistent-dir\/config.json: cannot read/);
});
