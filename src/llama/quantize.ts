/**
 * @module llama.cpp's own quantiser and dequantisers, for the ggml types Rio does not write itself: the
 * K-quants most published GGUF files use. llama_model_quantize rewrites a whole file (with llama.cpp's
 * per-tensor type choices, e.g. Q6_K for the output in Q4_K_M); ggml's type traits dequantise one row
 * exactly as its get_rows does, so a row fed as an embedding gives the logits of the token id.
 */
import koffi from "koffi";
import { LlamaError } from "./errors.js";
import { type LlamaApi, ToFloat } from "./ffi.js";
import { GGML_TYPE, GgmlTypeTraits, type QuantizeParams } from "./structs.js";

/** llama.cpp's quantisation presets (llama_ftype in llama.h) that need no importance matrix. */
export const LLAMA_QUANTS = {
  q2_k: 10,
  q3_k_s: 11,
  q3_k_m: 12,
  q3_k_l: 13,
  q4_k_s: 14,
  q4_k_m: 15,
  q5_k_s: 16,
  q5_k_m: 17,
  q6_k: 18,
} as const;
export type LlamaQuant = keyof typeof LLAMA_QUANTS;

/** True for the names of LLAMA_QUANTS. */
export function isLlamaQuant(name: string): name is LlamaQuant {
  return Object.hasOwn(LLAMA_QUANTS, name);
}

/** Writes `output`, the GGUF `input` quantised to `quant` by llama.cpp with `threads` threads. */
export function quantizeFile(
  api: LlamaApi,
  input: string,
  output: string,
  quant: LlamaQuant,
  threads: number,
): void {
  const params = api.llama_model_quantize_default_params() as QuantizeParams;
  params.nthread = threads;
  params.ftype = LLAMA_QUANTS[quant];
  const status = api.llama_model_quantize(input, output, params) as number;
  if (status !== 0)
    throw new LlamaError(
      `llama.cpp could not quantise ${input} to ${quant} (RIO_LLAMA_LOG=1 shows its reason)`,
      "bad-model-file",
      input,
    );
}

/** Dequantises one row (a whole number of blocks) into `out`, which it returns. */
export type RowDequantiser = (row: Uint8Array, out: Float32Array) => Float32Array;

/** ggml's reference dequantiser of ggml type `type` (ggml.h `enum ggml_type`). */
export function rowDequantiser(api: LlamaApi, type: number): RowDequantiser {
  // ggml asserts (aborting the process) on an id outside its table
  if (!Number.isInteger(type) || type < 0 || type >= GGML_TYPE.COUNT)
    throw new LlamaError(`${type} is not a ggml type (0..${GGML_TYPE.COUNT - 1})`, "invalid-argument");
  const traits = koffi.decode(api.ggml_get_type_traits(type), GgmlTypeTraits) as {
    type_name: string | null;
    to_float: unknown;
  };
  if (!traits.to_float)
    throw new LlamaError(`ggml cannot dequantise type ${traits.type_name ?? type}`, "invalid-argument");
  const toFloat = koffi.decode(traits.to_float, ToFloat) as (
    x: Uint8Array,
    y: Float32Array,
    k: number,
  ) => void;
  return (row, out) => {
    toFloat(row, out, out.length);
    return out;
  };
}
