/**
 * @module reference/qwen3_5_moe
 * Qwen3.5-MoE (`model_type: "qwen3_5_moe"`): Qwen3.5 with every layer's MLP replaced by the
 * Qwen3-Next sparse block (HF `Qwen3_5MoeSparseMoeBlock` = `Qwen3NextSparseMoeBlock`, llama.cpp
 * `qwen35moe.cpp`): routed experts plus a shared expert scaled by sigmoid(shared_expert_gate x).
 * The router (`Qwen3VLMoeTextTopKRouter`) always renormalises the top-k probabilities; the config has
 * no norm_topk_prob, decoder_sparse_step or mlp_only_layers.
 */
import type { Capture } from "./capture.js";
import { need } from "./config.js";
import { mlpWeights, moe, routedExperts, swiglu } from "./mlp.js";
import { dot, sigmoid } from "./ops.js";
import { Qwen3_5Reference } from "./qwen3_5.js";

export class Qwen3_5MoeReference extends Qwen3_5Reference {
  /** Captures router_probs, expert_ids, expert_weights, moe_routed, shared_gate (after sigmoid). */
  protected override ffn(il: number, x: Float64Array[], cb: Capture): Float64Array[] {
    const c = this.config;
    const mlp = this.layerTensor(il, "mlp.");
    const routed = moe(x, routedExperts(this.w, mlp, c, true), il, cb);
    const inter = need(c, "shared_expert_intermediate_size");
    const shared = mlpWeights(this.w, `${mlp}shared_expert.`, c.hidden_size, inter);
    const gateW = this.w.matrix(`${mlp}shared_expert_gate.weight`, 1, c.hidden_size).data; // nn.Linear(hidden, 1)
    const gate = x.map((r) => sigmoid(dot(gateW, r)));
    cb.rows("moe_routed", il, routed);
    cb.rows("shared_gate", il, gate.map(toRow));
    return x.map((r, t) => {
      const s = swiglu(r, shared);
      return routed[t].map((v, i) => v + gate[t] * s[i]);
    });
  }
}

/** One scalar per position as a captured row. */
const toRow = (g: number): Float64Array => Float64Array.of(g);
