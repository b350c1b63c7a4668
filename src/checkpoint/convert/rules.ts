/**
 * @module What a per-architecture conversion rule file provides, and the registry (one line per
 * model_type). The generic driver (convert.ts) does everything else.
 */

import type { GgufKv } from "../gguf/index.js";
import type { ModelType, TextConfig } from "../text-config.js";
import { qwen3 } from "./qwen3.js";

export interface ConversionRules {
  /** GGUF `general.architecture` (llama.cpp's LLM_ARCH name). */
  architecture: string;
  /** `tokenizer.ggml.pre`: llama.cpp's pre-tokenizer name for this family. */
  tokenizerPre: string;
  /** GGUF name for an HF tensor name; null to drop it (e.g. lm_head when tied); undefined if unknown. */
  tensorName(hfName: string, config: TextConfig): string | null | undefined;
  /** `<arch>.*` hyper-parameter metadata. */
  metadata(config: TextConfig): GgufKv[];
}

const RULES: Partial<Record<ModelType, ConversionRules>> = {
  qwen3,
};

/** Conversion rules for a model_type, or undefined if Rio cannot convert it yet. */
export function conversionRules(modelType: ModelType): ConversionRules | undefined {
  return RULES[modelType];
}
