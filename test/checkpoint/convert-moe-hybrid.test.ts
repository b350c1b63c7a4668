/**
 * The qwen3_moe, qwen3_5 and qwen3_5_moe conversion rules: metadata keys, tensor names, shapes, types and
 * value transforms, checked on tiny models (the conformance tests check that llama.cpp runs them right).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type Checkpoint,
  CheckpointError,
  conversionRules,
  convertToGguf,
  GgmlType,
  type GgufFile,
  ggufMetadataValue,
  type ModelType,
  makeTinyModel,
  openCheckpoint,
  preTokenizerName,
  readGguf,
  type TensorPlan,
  type TextConfig,
} from "../../src/checkpoint/index.js";

const root = mkdtempSync(join(tmpdir(), "rio-convert-rules-"));
/** Per architecture: a tiny checkpoint, its Q8_0 GGUF, and its tensor plan (values before quantisation). */
const made = new Map<
  ModelType,
  { dir: string; ckpt: Checkpoint; config: TextConfig; q8: GgufFile; plans: Map<string, TensorPlan> }
>();

before(() => {
  for (const arch of ["qwen3_moe", "qwen3_5", "qwen3_5_moe"] as ModelType[]) {
    const dir = join(root, arch);
    makeTinyModel({ arch, out: dir, seed: 5, dtype: "f32" });
    convertToGguf(dir, join(root, `${arch}.gguf`), { quant: "q8_0" });
    const ckpt = openCheckpoint(dir);
    const plans = conversionRules(arch)?.tensors(ckpt, ckpt.config) ?? [];
    const q8 = readGguf(join(root, `${arch}.gguf`));
    made.set(arch, { dir, ckpt, config: ckpt.config, q8, plans: new Map(plans.map((p) => [p.name, p])) });
  }
});
after(() => {
  for (const { ckpt } of made.values()) ckpt.close();
  rmSync(root, { recursive: true, force: true });
});

const get = (arch: ModelType) => made.get(arch) as NonNullable<ReturnType<typeof made.get>>;
const tensor = (g: GgufFile, name: string) => {
  const t = g.tensors.find((x) => x.name === name);
  assert.ok(t, `no tensor ${name}`);
  return t;
};
/** The values the converter hands to the quantiser for GGUF tensor `name`. */
const planned = (arch: ModelType, name: string) => {
  const plan = get(arch).plans.get(name);
  assert.ok(plan, `no planned tensor ${name}`);
  return plan.data();
};
const hf = (arch: ModelType, name: string) => get(arch).ckpt.readFloat32(name);

describe("qwen3_moe conversion", () => {
  it("writes the expert hyper-parameters", () => {
    const { q8, config: c } = get("qwen3_moe");
    assert.equal(ggufMetadataValue(q8, "general.architecture"), "qwen3moe");
    assert.equal(ggufMetadataValue(q8, "qwen3moe.expert_count"), c.num_experts);
    assert.equal(ggufMetadataValue(q8, "qwen3moe.expert_used_count"), c.num_experts_per_tok);
    assert.equal(ggufMetadataValue(q8, "qwen3moe.expert_feed_forward_length"), c.moe_intermediate_size);
    assert.equal(ggufMetadataValue(q8, "qwen3moe.rope.freq_base"), c.rope_theta);
  });

  it("stacks experts into 3-D tensors and keeps the router F32", () => {
    const { q8, config: c } = get("qwen3_moe");
    const [h, e, ff] = [c.hidden_size, c.num_experts as number, c.moe_intermediate_size as number];
    assert.deepEqual(tensor(q8, "blk.1.ffn_gate_exps.weight").dims, [h, ff, e]);
    assert.deepEqual(tensor(q8, "blk.1.ffn_down_exps.weight").dims, [ff, h, e]);
    assert.equal(tensor(q8, "blk.1.ffn_up_exps.weight").type, GgmlType.Q8_0);
    assert.equal(tensor(q8, "blk.1.ffn_gate_inp.weight").type, GgmlType.F32);
    assert.equal(tensor(q8, "blk.1.ffn_norm.weight").type, GgmlType.F32);
    assert.ok(!q8.tensors.some((t) => /ffn_(gate|up|down)\.weight/.test(t.name)));
    const expert3 = hf("qwen3_moe", "model.layers.1.mlp.experts.3.down_proj.weight");
    assert.deepEqual(
      planned("qwen3_moe", "blk.1.ffn_down_exps.weight").subarray(3 * h * ff, 4 * h * ff),
      expert3,
    );
  });

  it("refuses configs llama.cpp's qwen3moe graph would run differently", () => {
    const dir = join(root, "qwen3_moe-unnormalised");
    makeTinyModel({ arch: "qwen3_moe", out: dir, seed: 5, dtype: "f32" });
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), norm_topk_prob: false }));
    assert.throws(
      () => convertToGguf(dir, join(root, "refused.gguf"), { quant: "f32" }),
      (err: unknown) => err instanceof CheckpointError && err.field === "norm_topk_prob",
    );
  });
});

describe("qwen3_5 conversion", () => {
  it("writes the hybrid hyper-parameters llama.cpp's qwen35 loader requires", () => {
    const { q8, config: c } = get("qwen3_5");
    const expected: Record<string, unknown> = {
      "general.architecture": "qwen35",
      "qwen35.rope.dimension_count": Math.floor(c.head_dim * 0.25),
      "qwen35.rope.dimension_sections": [...(c.mrope_section as number[]), 0],
      "qwen35.ssm.conv_kernel": c.linear_conv_kernel_dim,
      "qwen35.ssm.state_size": c.linear_key_head_dim,
      "qwen35.ssm.group_count": c.linear_num_key_heads,
      "qwen35.ssm.time_step_rank": c.linear_num_value_heads,
      "qwen35.ssm.inner_size": (c.linear_value_head_dim as number) * (c.linear_num_value_heads as number),
      "qwen35.full_attention_interval": c.full_attention_interval,
      "qwen35.attention.key_length": c.head_dim,
      "qwen35.rope.freq_base": c.rope_theta,
      // the tiny model carries Qwen3's tokenizer, which splits text as qwen2 does
      "tokenizer.ggml.pre": "qwen2",
    };
    for (const [key, value] of Object.entries(expected))
      assert.deepEqual(ggufMetadataValue(q8, key), value, key);
    assert.equal(ggufMetadataValue(q8, "qwen35.attention.recurrent_layers"), undefined);
  });

  it("lists the layer kinds when they do not follow full_attention_interval", () => {
    const c = get("qwen3_5").config;
    const layer_types = ["full_attention", "linear_attention", "linear_attention", "full_attention"] as const;
    const kvs = (conversionRules("qwen3_5")?.metadata({ ...c, layer_types: [...layer_types] }) ?? []).filter(
      (kv) => kv.key === "qwen35.attention.recurrent_layers",
    );
    assert.deepEqual(
      kvs.map((kv) => kv.value),
      [{ type: "array", itemType: "uint32", value: [0, 1, 1, 0] }],
    );
  });

  it("refuses a hybrid without both kinds of layer (llama.cpp would abort)", () => {
    const c = get("qwen3_5").config;
    assert.throws(
      () =>
        conversionRules("qwen3_5")?.metadata({
          ...c,
          layer_types: c.layer_types?.map(() => "linear_attention"),
        }),
      (err: unknown) => err instanceof CheckpointError && err.field === "layer_types",
    );
  });

  it("bakes (1 + w) into the Qwen3.5 norms but not into the gated norm", () => {
    const plusOne = (x: Float32Array) => x.map((v) => v + 1);
    assert.deepEqual(
      planned("qwen3_5", "blk.3.attn_q_norm.weight"),
      plusOne(hf("qwen3_5", "model.layers.3.self_attn.q_norm.weight")),
    );
    assert.deepEqual(
      planned("qwen3_5", "blk.0.post_attention_norm.weight"),
      plusOne(hf("qwen3_5", "model.layers.0.post_attention_layernorm.weight")),
    );
    assert.deepEqual(planned("qwen3_5", "output_norm.weight"), plusOne(hf("qwen3_5", "model.norm.weight")));
    assert.deepEqual(
      planned("qwen3_5", "blk.0.ssm_norm.weight"),
      hf("qwen3_5", "model.layers.0.linear_attn.norm.weight"),
    );
  });

  it("turns A_log into ssm_a = -exp(A_log) in tiled value-head order", () => {
    const { config: c } = get("qwen3_5");
    assert.deepEqual([c.linear_num_key_heads, c.linear_num_value_heads], [2, 4]);
    const aLog = hf("qwen3_5", "model.layers.0.linear_attn.A_log");
    // HF groups value heads by key head [k0v0, k0v1, k1v0, k1v1]; llama.cpp tiles [k0v0, k1v0, k0v1, k1v1]
    const tiled = Float32Array.from([0, 2, 1, 3], (i) => -Math.exp(aLog[i]));
    assert.deepEqual(planned("qwen3_5", "blk.0.ssm_a"), tiled);
    assert.deepEqual(
      planned("qwen3_5", "blk.0.ssm_dt.bias")[1],
      hf("qwen3_5", "model.layers.0.linear_attn.dt_bias")[2],
    );
  });

  it("stores conv1d as F32 [kernel, channels] and quantises the projections", () => {
    const { q8, config: c } = get("qwen3_5");
    const convDim =
      2 * (c.linear_num_key_heads as number) * (c.linear_key_head_dim as number) +
      (c.linear_num_value_heads as number) * (c.linear_value_head_dim as number);
    const conv = tensor(q8, "blk.0.ssm_conv1d.weight");
    assert.deepEqual([conv.dims, conv.type], [[c.linear_conv_kernel_dim, convDim], GgmlType.F32]);
    assert.equal(tensor(q8, "blk.0.attn_qkv.weight").type, GgmlType.Q8_0);
    assert.equal(tensor(q8, "blk.3.attn_q.weight").dims[1], 2 * c.num_attention_heads * c.head_dim);
    assert.equal(tensor(q8, "blk.0.ssm_a").type, GgmlType.F32);
  });
});

describe("qwen3_5_moe conversion", () => {
  it("splits the fused gate_up experts and keeps the shared-expert gate F32", () => {
    const { q8, config: c } = get("qwen3_5_moe");
    const [h, ff] = [c.hidden_size, c.moe_intermediate_size as number];
    assert.equal(ggufMetadataValue(q8, "general.architecture"), "qwen35moe");
    assert.equal(
      ggufMetadataValue(q8, "qwen35moe.expert_shared_feed_forward_length"),
      c.shared_expert_intermediate_size,
    );
    assert.equal(ggufMetadataValue(q8, "qwen35moe.expert_feed_forward_length"), ff);
    const gateUp = hf("qwen3_5_moe", "model.layers.2.mlp.experts.gate_up_proj");
    const expert = (e: number, half: number) =>
      gateUp.subarray((2 * e + half) * ff * h, (2 * e + half + 1) * ff * h);
    assert.deepEqual(
      planned("qwen3_5_moe", "blk.2.ffn_gate_exps.weight").subarray(ff * h, 2 * ff * h),
      expert(1, 0),
    );
    assert.deepEqual(
      planned("qwen3_5_moe", "blk.2.ffn_up_exps.weight").subarray(ff * h, 2 * ff * h),
      expert(1, 1),
    );
    const shexpGate = tensor(q8, "blk.2.ffn_gate_inp_shexp.weight");
    assert.deepEqual([shexpGate.dims, shexpGate.type], [[h, 1], GgmlType.F32]);
    assert.equal(tensor(q8, "blk.2.ffn_down_shexp.weight").type, GgmlType.Q8_0);
  });
});

describe("preTokenizerName", () => {
  it("names the pre-tokenizer by tokenizer.json's split regex, else falls back", () => {
    const dir = join(root, "qwen35-tokenizer");
    rmSync(dir, { recursive: true, force: true });
    const regex =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    makeTinyModel({ arch: "qwen3", out: dir, seed: 1 });
    writeFileSync(
      join(dir, "tokenizer.json"),
      JSON.stringify({
        pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: regex } }] },
      }),
    );
    assert.equal(preTokenizerName(dir, "qwen2"), "qwen35");
    assert.equal(preTokenizerName(get("qwen3_5").dir, "qwen35"), "qwen2");
    writeFileSync(join(dir, "tokenizer.json"), "{}");
    assert.equal(preTokenizerName(dir, "qwen2"), "qwen2");
  });
});
