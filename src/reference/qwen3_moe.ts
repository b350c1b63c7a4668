/**
 * @module reference/qwen3_moe
 * Qwen3-MoE (`model_type: "qwen3_moe"`): Qwen3 with a routed mixture of experts in place of the MLP
 * (HF `Qwen3MoeSparseMoeBlock`, llama.cpp `qwen3moe.cpp`, which differs from `qwen3.cpp` in that one
 * call). Layer il is sparse when il is not in mlp_only_layers and (il + 1) % decoder_sparse_step == 0;
 * other layers keep the dense MLP of intermediate_size. Router: softmax over all experts, top
 * num_experts_per_tok, renormalised to sum 1 when norm_topk_prob (HF default false). No shared expert.
 */
import type { Capture } from "./capture.js";
import { need } from "./config.js";
import { moe, routedExperts } from "./mlp.js";
import { Qwen3Reference } from "./qwen3.js";

export class Qwen3MoeReference extends Qwen3Reference {
  /** Whether layer `il` uses experts (HF `Qwen3MoeDecoderLayer.__init__`). */
  isSparse(il: number): boolean {
    const c = this.config;
    const step = c.decoder_sparse_step ?? 1;
    return !(c.mlp_only_layers ?? []).includes(il) && need(c, "num_experts") > 0 && (il + 1) % step === 0;
  }

  /** Sparse layers capture router_probs, expert_ids, expert_weights. */
  protected override ffn(il: number, x: Float64Array[], cb: Capture): Float64Array[] {
    if (!this.isSparse(il)) return super.ffn(il, x, cb);
    const spec = routedExperts(
      this.w,
      this.layerTensor(il, "mlp."),
      this.config,
      this.config.norm_topk_prob ?? false,
    );
    return moe(x, spec, il, cb);
  }
}
