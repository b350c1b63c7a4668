/**
 * @module The generic HF -> GGUF driver: architecture rules (rules.ts) name the tensors and the
 * hyper-parameters; this file streams the tensors one by one through the quantiser into the writer.
 */
import * as path from "node:path";
import { openCheckpoint } from "../checkpoint.js";
import { CheckpointError } from "../errors.js";
import { type GgufKv, type GgufTensorSource, writeGguf } from "../gguf/index.js";
import { quantise } from "../quant/index.js";
import { str, u32 } from "./kv.js";
import { conversionRules } from "./rules.js";
import { FILE_TYPE, type Quant, tensorType } from "./tensor-types.js";
import { tokenizerMetadata } from "./tokenizer-metadata.js";

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
    const tensors: GgufTensorSource[] = [];
    for (const hfName of ckpt.tensorNames()) {
      const name = rules.tensorName(hfName, config);
      if (name === null) continue;
      if (name === undefined)
        throw new CheckpointError(
          `${checkpointDir}: tensor ${hfName} has no ${rules.architecture} GGUF name`,
          checkpointDir,
          hfName,
        );
      const { shape } = ckpt.info(hfName);
      const type = tensorType(opts.quant, shape);
      tensors.push({
        name,
        type,
        dims: [...shape].reverse(),
        data: () => quantise(type, ckpt.readFloat32(hfName)),
      });
    }
    const metadata: GgufKv[] = [
      str("general.architecture", rules.architecture),
      str("general.name", path.basename(path.resolve(checkpointDir))),
      u32("general.file_type", FILE_TYPE[opts.quant]),
      u32("general.quantization_version", 2), // GGML_QNT_VERSION
      ...rules.metadata(config),
      ...tokenizerMetadata(checkpointDir, config, rules.tokenizerPre),
    ];
    writeGguf(out, { metadata, tensors }, opts.onProgress);
  } finally {
    ckpt.close();
  }
}
