/**
 * @module reference/mlp
 * Feed-forward blocks: the SwiGLU MLP and the routed mixture of experts shared by Qwen3-MoE and
 * Qwen3.5-MoE (softmax router over all experts, top-k, optional renormalisation of the top-k weights).
 */
import type { TextConfig } from "../checkpoint/index.js";
import type { Capture } from "./capture.js";
import { need } from "./config.js";
import { linear, type Matrix, silu, softmax } from "./ops.js";
import type { ReferenceWeights } from "./weights.js";

export interface MlpWeights {
  gate_proj: Matrix;
  up_proj: Matrix;
  down_proj: Matrix;
}

/** down_proj(silu(gate_proj x) * up_proj x) (HF `Qwen3MLP`, llama.cpp LLM_FFN_SILU + LLM_FFN_PAR). */
export function swiglu(x: Float64Array, w: MlpWeights): Float64Array {
  const g = linear(w.gate_proj, x);
  const u = linear(w.up_proj, x);
  const act = g.map((v, i) => silu(v) * u[i]);
  return linear(w.down_proj, act);
}

/** The `mlp.{gate,up,down}_proj` weights under `prefix` (e.g. `model.layers.0.mlp.`). */
export function mlpWeights(w: ReferenceWeights, prefix: string, hidden: number, inter: number): MlpWeights {
  return {
    gate_proj: w.matrix(`${prefix}gate_proj.weight`, inter, hidden),
    up_proj: w.matrix(`${prefix}up_proj.weight`, inter, hidden),
    down_proj: w.matrix(`${prefix}down_proj.weight`, hidden, inter),
  };
}

/**
 * Expert `e` of the experts under `prefix` (e.g. `model.layers.0.mlp.experts.`), in either layout HF
 * checkpoints use: one module per expert (`experts.<e>.gate_proj.weight`, Qwen3-MoE) or stacked
 * (`experts.gate_up_proj` [E, 2I, H] with gate rows first, `experts.down_proj` [E, H, I], Qwen3.5-MoE).
 */
export function expertWeights(
  w: ReferenceWeights,
  prefix: string,
  e: number,
  n: number,
  hidden: number,
  inter: number,
): MlpWeights {
  if (!w.has(`${prefix}gate_up_proj`)) return mlpWeights(w, `${prefix}${e}.`, hidden, inter);
  const gateUp = [n, 2 * inter, hidden];
  return {
    gate_proj: w.slice(`${prefix}gate_up_proj`, gateUp, 2 * inter * e, inter, hidden),
    up_proj: w.slice(`${prefix}gate_up_proj`, gateUp, 2 * inter * e + inter, inter, hidden),
    down_proj: w.slice(`${prefix}down_proj`, [n, hidden, inter], hidden * e, hidden, inter),
  };
}

export interface MoeSpec {
  router: Matrix; // [num_experts, hidden]
  expert: (e: number) => MlpWeights;
  topK: number;
  /** Divide the chosen top-k probabilities by their sum (HF `norm_topk_prob`). */
  normTopK: boolean;
}

/** The router `<mlp>gate.weight` and experts `<mlp>experts.*` of one sparse layer (`mlp` ends in `mlp.`). */
export function routedExperts(w: ReferenceWeights, mlp: string, c: TextConfig, normTopK: boolean): MoeSpec {
  const n = need(c, "num_experts");
  const inter = need(c, "moe_intermediate_size");
  return {
    router: w.matrix(`${mlp}gate.weight`, n, c.hidden_size),
    expert: (e) => expertWeights(w, `${mlp}experts.`, e, n, c.hidden_size, inter),
    topK: need(c, "num_experts_per_tok"),
    normTopK,
  };
}

/**
 * Routed experts for each row: p = softmax(router x) over all experts; the top-k experts by p (ties to
 * the lower index) each add weight * swiglu_e(x). Captures router_probs, expert_ids, expert_weights.
 */
export function moe(x: Float64Array[], spec: MoeSpec, il: number, cb: Capture): Float64Array[] {
  const probs = x.map((r) => softmax(linear(spec.router, r)));
  const ids = probs.map((p) => [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, spec.topK));
  const weights = ids.map((chosen, t) => {
    const wts = Float64Array.from(chosen, (e) => probs[t][e]);
    const sum = wts.reduce((s, v) => s + v, 0);
    return spec.normTopK ? wts.map((v) => v / sum) : wts;
  });
  cb.rows("router_probs", il, probs);
  cb.rows("expert_ids", il, ids.map(toRow));
  cb.rows("expert_weights", il, weights);
  return x.map((r, t) => {
    const out = new Float64Array(r.length);
    ids[t].forEach((e, j) => {
      const y = swiglu(r, spec.expert(e));
      for (let i = 0; i < out.length; i++) out[i] += weights[t][j] * y[i];
    });
    return out;
  });
}

/** Expert ids of one position as a captured row. */
const toRow = (ids: number[]): Float64Array => Float64Array.from(ids);
