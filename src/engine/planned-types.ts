/**
 * @module The ggml type each tensor would get when a Hugging Face checkpoint is converted, for the fit
 * planner: Rio's own types follow its converter exactly (tensorType); q4_k_m follows llama.cpp's
 * quantiser (llama_tensor_get_type in src/llama-quant.cpp of the pinned release) for the tensors Qwen3
 * models have: attention-V-like and ffn_down tensors of "more bits" layers get Q6_K, the output Q6_K,
 * the rest Q4_K, and rows that are not whole 256-value blocks fall back as llama.cpp does.
 */
import { GgmlType, QUANTS, type Quant, tensorType } from "../checkpoint/index.js";
import { EngineError } from "./errors.js";

/** The quantisations the planner can predict from a config alone. */
export const PLANNED_QUANTS = [...QUANTS, "q4_k_m"] as const;
export type PlannedQuant = (typeof PLANNED_QUANTS)[number];

/** llama.cpp's use_more_bits: the first and last eighth of the layers and every third in between. */
function useMoreBits(i: number, n: number): boolean {
  return i < Math.floor(n / 8) || i >= Math.floor((7 * n) / 8) || (i - Math.floor(n / 8)) % 3 === 2;
}

/** llama.cpp's fallback when a row is not a whole number of 256-value K blocks. */
const K_FALLBACK: Partial<Record<number, number>> = {
  [GgmlType.Q4_K]: GgmlType.Q5_0,
  [GgmlType.Q5_K]: GgmlType.Q5_1,
  [GgmlType.Q6_K]: GgmlType.Q8_0,
};

/**
 * A typer for one model: call it for every GGUF tensor in file order (llama.cpp counts the attention-V
 * tensors as it meets them). `shape` is PyTorch order (rows last).
 */
export function tensorTyper(
  quant: string,
  nLayer: number,
  tiedEmbeddings: boolean,
  nExpert = 0,
): (name: string, shape: number[]) => number {
  if (!(PLANNED_QUANTS as readonly string[]).includes(quant))
    throw new EngineError(
      `quantisation ${quant}: the planner predicts tensor types for ${PLANNED_QUANTS.join(", ")}; ` +
        "for another K-quant, plan from the quantised GGUF file",
    );
  if (quant !== "q4_k_m") return (name, shape) => tensorType(quant as Quant, shape, name);
  let attnV = 0;
  return (name, shape) => {
    // what Rio's converter keeps in F32 (norms, routers, conv kernels) llama-quantize does not quantise
    if (tensorType("q8_0", shape, name) === GgmlType.F32) return GgmlType.F32;
    const layer = Number(/^blk\.(\d+)\./.exec(name)?.[1] ?? -1);
    let type: number = GgmlType.Q4_K;
    // tied embeddings are quantised as the output tensor they also are
    if (name === "output.weight" || (tiedEmbeddings && name === "token_embd.weight")) type = GgmlType.Q6_K;
    else if (/attn_(v|qkv)\.weight$/.test(name)) {
      if (useMoreBits(attnV, nLayer)) type = GgmlType.Q6_K;
      // llama.cpp's special case for 8-expert models (Mixtral): attention K and V in Q8_0, output in Q5_K
      if (nExpert === 8) type = GgmlType.Q8_0;
      attnV++;
    } else if (nExpert === 8 && name.endsWith("attn_k.weight")) type = GgmlType.Q8_0;
    else if (nExpert === 8 && name.endsWith("attn_output.weight")) type = GgmlType.Q5_K;
    else if (name.includes("ffn_down") && useMoreBits(layer, nLayer)) type = GgmlType.Q6_K;
    if (shape[shape.length - 1] % 256 !== 0) type = K_FALLBACK[type] ?? type;
    // Q5_0 / Q5_1 need whole 32-value blocks, else llama.cpp keeps F16
    if (shape[shape.length - 1] % 32 !== 0) type = GgmlType.F16;
    return type;
  };
}
