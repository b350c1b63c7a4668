/**
 * @module The generic HF -> GGUF driver: architecture rules (rules.ts) plan the tensors and the
 * hyper-parameters; this file streams the planned tensors one by one through the quantiser into the writer.
 */
import * as path from "node:path";
import { openCheckpoint } from "../checkpoint.js";
import { CheckpointError } from "../errors.js";
import { type GgufKv, type GgufTensorSource, writeGguf } from "../gguf/index.js";
import { quantise, type SupportedType } from "../quant/index.js";
import { str, u32 } from "./kv.js";
import type { TensorPlan } from "./plan.js";
import { preTokenizerName } from "./pre-tokenizer.js";
import { conversionRules } from "./rules.js";
import { FILE_TYPE, type Quant, tensorType } from "./tensor-types.js";
import { tokenizerMetadata } from "./tokenizer-metadata.js";

/** The GGUF tensor of `plan`, stored as `type`; its values are produced, checked and quantised when written. */
export function planToGguf(checkpointDir: string, plan: TensorPlan, type: SupportedType): GgufTensorSource {
  const count = plan.shape.reduce((a, b) => a * b, 1);
  const data = () => {
    const values = plan.data();
    if (values.length !== count)
      throw new CheckpointError(
        `${checkpointDir}: GGUF tensor ${plan.name} [${plan.shape}] got ${values.length} values, expected ${count}`,
        checkpointDir,
        plan.name,
      );
    return quantise(type, values);
  };
  return { name: plan.name, type, dims: [...plan.shape].reverse(), data };
}

export interface ConvertOptions {
  quant: Quant;
  /** called after each tensor is written: (tensors done, tensors total) */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Converts the Hugging Face checkpoint folder `checkpointDir` into the GGUF file `out` (overwritten),
 * holding one tensor in memory at a time.
 * @example convertToGguf("models/Qwen3-0.6B", "qwen3-0.6b-q8_0.gguf", { quant: "q8_0", onProgress: (d, t) => bar.update(d / t) });
 */
export function convertToGguf(checkpointDir: string, out: string, opts: ConvertOptions): void {
  const ckpt = openCheckpoint(checkpointDir);
  try {
    const config = ckpt.config;
    const configFile = path.join(checkpointDir, "config.json");
    const rules = conversionRules(config.model_type);
    if (!rules)
      throw new CheckpointError(
        `${configFile}: model_type ${config.model_type} has no GGUF conversion rules yet`,
        configFile,
        "model_type",
      );
    const tensors = rules
      .tensors(ckpt, config)
      .map((plan) => planToGguf(checkpointDir, plan, tensorType(opts.quant, plan.shape, plan.name)));
    const metadata: GgufKv[] = [
      str("general.architecture", rules.architecture),
      str("general.name", path.basename(path.resolve(checkpointDir))),
      u32("general.file_type", FILE_TYPE[opts.quant]),
      u32("general.quantization_version", 2), // GGML_QNT_VERSION
      ...rules.metadata(config),
      ...tokenizerMetadata(checkpointDir, config, preTokenizerName(checkpointDir, rules.tokenizerPre)),
    ];
    writeGguf(out, { metadata, tensors }, opts.onProgress);
  } finally {
    ckpt.close();
  }
}
