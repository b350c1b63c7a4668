// Properties the model output must keep under weight rewrites: relabelling heads or experts
// consistently changes nothing, and architectures that reduce to one another give the same logits.
// Each rewrite is written as a fresh checkpoint and run through the public reference API.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ModelType } from "../../src/checkpoint/index.js";
import { openReference } from "../../src/reference/index.js";
import { maxDiff } from "./numeric.js";
import { randomTensors, type Tensor, tinyConfig, writeCheckpoint } from "./tiny-checkpoint.js";

const TOKENS = [5, 17, 3, 44, 0, 29, 11, 8];
type Tensors = Map<string, Tensor>;

function logits(config: Record<string, unknown>, tensors: Tensors): Float64Array[] {
  const ckpt = writeCheckpoint(config, tensors);
  try {
    const ref = openReference(ckpt);
    return ref.forward({ tokens: TOKENS }, ref.newCache()).logits;
  } finally {
    ckpt.close();
  }
}

/** Index list that moves block perm[i] (of `size` entries, counted from `offset`) to block i. */
const blocks = (perm: number[], size: number, offset = 0) =>
  perm.flatMap((p) => Array.from({ length: size }, (_, j) => offset + p * size + j));

/** New tensor whose axis-0 slice i is the old slice index[i]. */
function gatherRows(t: Tensor, index: number[]): Tensor {
  const len = t.data.length / t.shape[0];
  const data = new Float32Array(t.data.length);
  for (const [i, src] of index.entries()) data.set(t.data.subarray(src * len, (src + 1) * len), i * len);
  return { shape: t.shape, data };
}

/** New 2-D tensor whose column i is the old column index[i]. */
function gatherCols(t: Tensor, index: number[]): Tensor {
  const [rows, cols] = t.shape;
  const data = new Float32Array(t.data.length);
  for (let r = 0; r < rows; r++) {
    for (const [i, src] of index.entries()) data[r * cols + i] = t.data[r * cols + src];
  }
  return { shape: t.shape, data };
}

const scaled = (t: Tensor, s: number): Tensor => ({ shape: t.shape, data: t.data.map((v) => v * s) });
const get = (ts: Tensors, name: string) => ts.get(name) ?? assert.fail(`no tensor ${name}`);

function assertSame(a: Float64Array[], b: Float64Array[], tol = 1e-10) {
  const d = maxDiff(a, b);
  assert.ok(d < tol, `logits differ by ${d}`);
}

describe("reference invariances", () => {
  it("qwen3: relabelling KV heads with their query groups leaves logits unchanged; breaking a group does not", () => {
    const config = tinyConfig("qwen3");
    const base = randomTensors(config);
    const permuted = (qPerm: number[]) => {
      const ts = new Map(base);
      for (let il = 0; il < 3; il++) {
        const p = `model.layers.${il}.self_attn.`;
        ts.set(`${p}q_proj.weight`, gatherRows(get(base, `${p}q_proj.weight`), blocks(qPerm, 8)));
        ts.set(`${p}o_proj.weight`, gatherCols(get(base, `${p}o_proj.weight`), blocks(qPerm, 8)));
        for (const w of ["k_proj", "v_proj"])
          ts.set(`${p}${w}.weight`, gatherRows(get(base, `${p}${w}.weight`), blocks([1, 0], 8)));
      }
      return ts;
    };
    const reference = logits(config, base);
    // KV heads swapped; query heads 2,3 (old KV head 1) now come first, in either order
    assertSame(logits(config, permuted([3, 2, 0, 1])), reference);
    assert.ok(maxDiff(logits(config, permuted([0, 1, 2, 3])), reference) > 1e-3, "grouping ignored");
  });

  for (const arch of ["qwen3_5", "qwen3_5_moe"] as const) {
    it(`${arch}: linear-attention q/k heads relabelled with their *consecutive* value heads leave logits unchanged`, () => {
      const config = tinyConfig(arch);
      const base = randomTensors(config);
      const ts = new Map(base);
      const [kPerm, vPerm, dk, dv] = [[1, 0], [2, 3, 0, 1], 8, 6]; // value heads 0,1 read key head 0; 2,3 read key head 1
      const channels = [...blocks(kPerm, dk), ...blocks(kPerm, dk, 2 * dk), ...blocks(vPerm, dv, 4 * dk)];
      for (const il of [0, 2]) {
        const p = `model.layers.${il}.linear_attn.`;
        const rows = (name: string, index: number[]) =>
          ts.set(p + name, gatherRows(get(base, p + name), index));
        rows("in_proj_qkv.weight", channels);
        rows("conv1d.weight", channels);
        rows("in_proj_z.weight", blocks(vPerm, dv));
        for (const name of ["in_proj_b.weight", "in_proj_a.weight", "A_log", "dt_bias"]) rows(name, vPerm);
        ts.set(`${p}out_proj.weight`, gatherCols(get(base, `${p}out_proj.weight`), blocks(vPerm, dv)));
      }
      assertSame(logits(config, ts), logits(config, base));
    });
  }

  for (const arch of ["qwen3_moe", "qwen3_5_moe"] as const) {
    it(`${arch}: relabelling experts together with their router rows leaves logits unchanged`, () => {
      const config = tinyConfig(arch);
      const base = randomTensors(config);
      const ts = new Map(base);
      const perm = [2, 0, 3, 1];
      for (const il of [0, 2]) {
        const p = `model.layers.${il}.mlp.`;
        ts.set(`${p}gate.weight`, gatherRows(get(base, `${p}gate.weight`), perm));
        if (arch === "qwen3_5_moe") {
          for (const w of ["gate_up_proj", "down_proj"])
            ts.set(`${p}experts.${w}`, gatherRows(get(base, `${p}experts.${w}`), perm));
        } else {
          perm.forEach((src, e) => {
            for (const w of ["gate_proj", "up_proj", "down_proj"])
              ts.set(`${p}experts.${e}.${w}.weight`, get(base, `${p}experts.${src}.${w}.weight`));
          });
        }
      }
      assertSame(logits(config, ts), logits(config, base));
    });
  }

  it("qwen3_moe whose experts are all the dense MLP equals qwen3 (only with norm_topk_prob)", () => {
    const dense = tinyConfig("qwen3");
    const base = randomTensors(dense);
    const moe = (norm_topk_prob: boolean) => ({
      ...dense,
      model_type: "qwen3_moe" as ModelType,
      num_experts: 3,
      num_experts_per_tok: 2,
      moe_intermediate_size: dense.intermediate_size,
      norm_topk_prob,
      mlp_only_layers: [1],
    });
    const ts = new Map(base);
    const router = randomTensors(moe(true), 9);
    for (const il of [0, 2]) {
      const p = `model.layers.${il}.mlp.`;
      ts.set(`${p}gate.weight`, get(router, `${p}gate.weight`));
      for (const w of ["gate_proj", "up_proj", "down_proj"]) {
        for (let e = 0; e < 3; e++) ts.set(`${p}experts.${e}.${w}.weight`, get(base, `${p}${w}.weight`));
        ts.delete(`${p}${w}.weight`);
      }
    }
    const reference = logits(dense, base);
    assertSame(logits(moe(true), ts), reference);
    assert.ok(maxDiff(logits(moe(false), ts), reference) > 1e-3, "norm_topk_prob ignored");
  });

  it("qwen3_5 with only full attention, zero output gates, doubled o_proj and (w - 1) norms equals qwen3", () => {
    const dense = tinyConfig("qwen3");
    const base = randomTensors(dense);
    // norm weights 1 + k/64 so that w - 1 is exact in float32
    for (const [name, t] of base)
      if (name.endsWith("norm.weight"))
        base.set(name, { shape: t.shape, data: t.data.map((v) => 1 + Math.round((v - 1) * 64) / 64) });
    const hybrid = {
      ...tinyConfig("qwen3_5"),
      tie_word_embeddings: true,
      layer_types: ["full_attention", "full_attention", "full_attention"],
      rope_parameters: { rope_theta: 10000, partial_rotary_factor: 1, mrope_section: [2, 1, 1] },
    };
    const ts = new Map<string, Tensor>();
    for (const [name, t] of base) {
      if (name.endsWith("norm.weight")) ts.set(name, { shape: t.shape, data: t.data.map((v) => v - 1) });
      else if (name.endsWith("o_proj.weight"))
        ts.set(name, scaled(t, 2)); // sigmoid(0) = 1/2
      else if (name.endsWith("q_proj.weight")) {
        // per head: [query rows (8), gate rows (8)]; zero gate rows
        const data = new Float32Array(2 * t.data.length);
        const cols = t.shape[1];
        for (let h = 0; h < 4; h++)
          data.set(t.data.subarray(h * 8 * cols, (h + 1) * 8 * cols), 2 * h * 8 * cols);
        ts.set(name, { shape: [2 * t.shape[0], cols], data });
      } else ts.set(name, t);
    }
    assertSame(logits(hybrid, ts), logits(dense, base));
  });

  it("qwen3_5_moe with half-scaled copies of the dense MLP as experts and as a half-gated shared expert equals qwen3_5", () => {
    const dense = tinyConfig("qwen3_5");
    const base = randomTensors(dense);
    const moe = {
      ...dense,
      model_type: "qwen3_5_moe",
      num_experts: 3,
      num_experts_per_tok: 2,
      moe_intermediate_size: dense.intermediate_size,
      shared_expert_intermediate_size: dense.intermediate_size,
    };
    const router = randomTensors(moe, 9);
    const ts = new Map(base);
    for (let il = 0; il < 3; il++) {
      const p = `model.layers.${il}.mlp.`;
      const [gate, up, down] = ["gate_proj", "up_proj", "down_proj"].map((w) => get(base, `${p}${w}.weight`));
      const [inter, hidden] = gate.shape;
      const gateUp = new Float32Array(3 * 2 * inter * hidden);
      const downs = new Float32Array(3 * hidden * inter);
      for (let e = 0; e < 3; e++) {
        gateUp.set(gate.data, 2 * e * inter * hidden);
        gateUp.set(up.data, (2 * e + 1) * inter * hidden);
        downs.set(scaled(down, 0.5).data, e * hidden * inter);
      }
      for (const w of ["gate_proj", "up_proj", "down_proj"]) {
        ts.set(`${p}shared_expert.${w}.weight`, get(base, `${p}${w}.weight`));
        ts.delete(`${p}${w}.weight`);
      }
      ts.set(`${p}gate.weight`, get(router, `${p}gate.weight`));
      ts.set(`${p}experts.gate_up_proj`, { shape: [3, 2 * inter, hidden], data: gateUp });
      ts.set(`${p}experts.down_proj`, { shape: [3, hidden, inter], data: downs });
      ts.set(`${p}shared_expert_gate.weight`, { shape: [1, hidden], data: new Float32Array(hidden) }); // sigmoid(0) = 1/2
    }
    assertSame(logits(moe, ts), logits(dense, base));
  });
});
