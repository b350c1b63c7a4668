/**
 * @module Which ggml type each tensor gets for a requested quantisation, following llama.cpp's
 * converter: 1-D tensors (norms, ssm_a, ssm_dt.bias) and a few small matrices stay F32; other 2-D+
 * weights take the target type. Q4_0 is applied to every
 * matrix including token_embd/output, like `llama-quantize --pure` (its default mix would give output
 * Q6_K, which Rio does not implement).
 */
import { GgmlType } from "../gguf/index.js";
import type { SupportedType } from "../quant/index.js";

export type Quant = "f32" | "f16" | "bf16" | "q8_0" | "q4_0";
export const QUANTS: readonly Quant[] = ["f32", "f16", "bf16", "q8_0", "q4_0"];

const TARGET: Record<Quant, SupportedType> = {
  f32: GgmlType.F32,
  f16: GgmlType.F16,
  bf16: GgmlType.BF16,
  q8_0: GgmlType.Q8_0,
  q4_0: GgmlType.Q4_0,
};

/** general.file_type (llama_ftype): ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7, MOSTLY_BF16 32. */
export const FILE_TYPE: Record<Quant, number> = { f32: 0, f16: 1, q4_0: 2, q8_0: 7, bf16: 32 };

/**
 * Matrices llama.cpp keeps in F32 whatever the file type (convert_hf_to_gguf prepare_tensors and
 * llama-quantize): MoE routers, the shared-expert gate and the short SSM conv kernels.
 */
const ALWAYS_F32 = /\.(ffn_gate_inp|ffn_gate_inp_shexp|ssm_conv1d)\.weight$/;

/** The ggml type for the GGUF tensor `name` of PyTorch `shape` under `quant`. */
export function tensorType(quant: Quant, shape: number[], name: string): SupportedType {
  if (shape.length <= 1 || ALWAYS_F32.test(name)) return GgmlType.F32;
  const target = TARGET[quant];
  // block types need whole 32-value blocks per row; llama.cpp's converter falls back to F16 otherwise
  if ((target === GgmlType.Q8_0 || target === GgmlType.Q4_0) && shape[shape.length - 1] % 32 !== 0)
    return GgmlType.F16;
  return target;
}
