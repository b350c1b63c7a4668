import assert from "node:assert/strict";
import { test } from "node:test";
import { ropeScalingMetadata } from "../../src/checkpoint/convert/qwen3.js";
import { parseTextConfig } from "../../src/checkpoint/index.js";

const base = {
  model_type: "qwen3",
  vocab_size: 16,
  hidden_size: 8,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  head_dim: 4,
  intermediate_size: 8,
  max_position_embeddings: 256,
};
const yarn = { rope_type: "yarn", factor: 4, original_max_position_embeddings: 64 };

test("YaRN comes from rope_parameters before rope_scaling, `type` standing in for `rope_type`", () => {
  const v5 = parseTextConfig(
    { ...base, rope_parameters: { ...yarn, rope_theta: 1e6 }, rope_scaling: null },
    "c",
  );
  assert.deepEqual(v5.rope_scaling, { rope_type: "yarn", factor: 4, original_max_position_embeddings: 64 });
  assert.equal(v5.rope_theta, 1e6);
  const old = parseTextConfig(
    { ...base, rope_scaling: { type: "yarn", factor: 2 }, original_max_position_embeddings: 128 },
    "c",
  );
  assert.deepEqual(old.rope_scaling, { rope_type: "yarn", factor: 2, original_max_position_embeddings: 128 });
  assert.equal(
    parseTextConfig({ ...base, rope_parameters: { rope_type: "default", rope_theta: 1e4 } }, "c")
      .rope_scaling,
    undefined,
  );
  assert.throws(
    () => parseTextConfig({ ...base, rope_scaling: { rope_type: "dynamic", factor: 2 } }, "c"),
    /rope_scaling.rope_type.*not supported/,
  );
  assert.throws(
    () => parseTextConfig({ ...base, rope_scaling: { rope_type: "yarn" } }, "c"),
    /rope_scaling.factor/,
  );
});

test("the converter writes llama.cpp's keys and refuses YaRN knobs llama.cpp ignores", () => {
  const config = parseTextConfig({ ...base, rope_scaling: { ...yarn, beta_fast: 32 } }, "c");
  assert.deepEqual(
    ropeScalingMetadata("qwen3", config).map((kv) => [kv.key, kv.value.value]),
    [
      ["qwen3.rope.scaling.type", "yarn"],
      ["qwen3.rope.scaling.factor", 4],
      ["qwen3.rope.scaling.original_context_length", 64],
      ["qwen3.rope.scaling.yarn_beta_fast", 32],
    ],
  );
  const odd = parseTextConfig(
    { ...base, rope_scaling: { ...yarn, beta_fast: 16, attention_factor: 1.2 } },
    "c",
  );
  assert.throws(
    () => ropeScalingMetadata("qwen3", odd),
    /YaRN beta_fast, attention_factor other than HF's default/,
  );
  const noOriginal = parseTextConfig({ ...base, rope_scaling: { rope_type: "yarn", factor: 4 } }, "c");
  assert.throws(() => ropeScalingMetadata("qwen3", noOriginal), /needs original_max_position_embeddings/);
});
