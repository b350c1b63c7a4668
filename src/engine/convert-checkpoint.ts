/**
 * @module Converting a Hugging Face checkpoint to any quantisation Rio offers: its own types (written by the
 * checkpoint layer) and llama.cpp's presets (K-quants). For a preset, Rio writes BF16 first (lossless for the
 * BF16 weights the Qwen family ships) and llama.cpp's quantiser chooses and writes each tensor's type, as
 * llama-quantize does.
 */
import * as fs from "node:fs";
import { convertToGguf, QUANTS, type Quant } from "../checkpoint/index.js";
import { isLlamaQuant, LLAMA_QUANTS, type LlamaQuant, loadLlama, physicalCores } from "../llama/index.js";

/** Every quantisation a checkpoint can be converted to. */
export type ModelQuant = Quant | LlamaQuant;
export const MODEL_QUANTS: readonly ModelQuant[] = [
  ...QUANTS,
  ...(Object.keys(LLAMA_QUANTS) as LlamaQuant[]),
];

/** Writes the GGUF of checkpoint folder `dir` at `out`, quantised to `quant`. */
export function convertCheckpoint(
  dir: string,
  out: string,
  quant: ModelQuant,
  onProgress?: (done: number, total: number) => void,
): void {
  if (!isLlamaQuant(quant)) {
    convertToGguf(dir, out, { quant, onProgress });
    return;
  }
  const bf16 = `${out}.bf16-${process.pid}.tmp`;
  try {
    convertToGguf(dir, bf16, { quant: "bf16", onProgress });
    loadLlama().quantizeModel(bf16, out, quant, { threads: physicalCores() });
  } finally {
    fs.rmSync(bf16, { force: true });
  }
}
