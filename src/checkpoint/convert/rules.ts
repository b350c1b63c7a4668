/**
 * @module What a per-architecture conversion rule file provides, and the registry (one line per
 * model_type). The generic driver (convert.ts) does everything else.
 */

import type { GgufKv } from "../gguf/index.js";
import type { ModelType, TextConfig } from "../text-config.js";
import type { TensorPlan, TensorSource } from "./plan.js";
import { qwen3 } from "./qwen3.js";
import { qwen3_5 } from "./qwen3_5.js";
import { qwen3_5_moe } from "./qwen3_5_moe.js";
import { qwen3_moe } from "./qwen3_moe.js";

export interface ConversionRules {
  /** GGUF `general.architecture` (llama.cpp's LLM_ARCH name). */
  architecture: string;
  /** `tokenizer.ggml.pre` of the family's released tokenizer; used when tokenizer.json's regex is unknown. */
  tokenizerPre: string;
  /** The GGUF tensors made from the checkpoint's; throws naming any HF tensor it cannot place. */
  tensors(src: TensorSource, config: TextConfig): TensorPlan[];
  /** `<arch>.*` hyper-parameter metadata. */
  metadata(config: TextConfig): GgufKv[];
}

const RULES: Partial<Record<ModelType, ConversionRules>> = {
  qwen3,
  qwen3_moe,
  qwen3_5,
  qwen3_5_moe,
};

/** Conversion rules for a model_type, or undefined if Rio cannot convert it yet. */
export function conversionRules(modelType: ModelType): ConversionRules | undefined {
  return RULES[modelType];
}
