/**
 * @module `rio make-tiny`: writes a small, seeded, fully loadable Hugging Face checkpoint of any supported
 * architecture, for tests and conformance runs.
 */
import type { Command } from "commander";
import {
  MODEL_TYPES,
  type ModelType,
  makeTinyModel,
  SHAPE_PRESETS,
  type ShapePreset,
  type TinyShape,
} from "../../checkpoint/index.js";
import { integerParser, oneOf } from "../parsers.js";

interface MakeTinyFlags {
  arch: string;
  out: string;
  seed: number;
  shape?: string;
  dtype: string;
  layers?: number;
  hidden?: number;
  heads?: number;
  kvHeads?: number;
  headDim?: number;
  intermediate?: number;
  experts?: number;
  expertsPerToken?: number;
  moeIntermediate?: number;
  vocab?: number;
  untied?: boolean;
}

const positiveInt = integerParser(1);

export function register(program: Command): void {
  program
    .command("make-tiny")
    .description("write a tiny seeded Hugging Face checkpoint (config, safetensors, tokenizer) for testing")
    .requiredOption("--arch <arch>", `architecture: ${MODEL_TYPES.join(", ")}`, oneOf(MODEL_TYPES))
    .requiredOption("--out <dir>", "output folder")
    .option("--seed <n>", "random seed", integerParser(0), 0)
    .option(
      "--shape <preset>",
      `real shape to start from: ${Object.keys(SHAPE_PRESETS).join(", ")}`,
      oneOf(Object.keys(SHAPE_PRESETS)),
    )
    .option("--dtype <dtype>", "stored dtype: bf16 or f32", oneOf(["bf16", "f32"]), "bf16")
    .option("--layers <n>", "num_hidden_layers", positiveInt)
    .option("--hidden <n>", "hidden_size", positiveInt)
    .option("--heads <n>", "num_attention_heads", positiveInt)
    .option("--kv-heads <n>", "num_key_value_heads", positiveInt)
    .option("--head-dim <n>", "head_dim", positiveInt)
    .option("--intermediate <n>", "intermediate_size (dense MLP)", positiveInt)
    .option("--experts <n>", "num_experts", positiveInt)
    .option("--experts-per-token <n>", "num_experts_per_tok", positiveInt)
    .option("--moe-intermediate <n>", "moe_intermediate_size", positiveInt)
    .option("--vocab <n>", "vocab_size (default 151936, Qwen3's padded size)", positiveInt)
    .option("--untied", "write a separate lm_head.weight (tie_word_embeddings = false)")
    .action((flags: MakeTinyFlags) => {
      const overrides: Partial<TinyShape> = {
        num_hidden_layers: flags.layers,
        hidden_size: flags.hidden,
        num_attention_heads: flags.heads,
        num_key_value_heads: flags.kvHeads,
        head_dim: flags.headDim,
        intermediate_size: flags.intermediate,
        num_experts: flags.experts,
        num_experts_per_tok: flags.expertsPerToken,
        moe_intermediate_size: flags.moeIntermediate,
        vocab_size: flags.vocab,
        tie_word_embeddings: flags.untied ? false : undefined,
      };
      makeTinyModel({
        arch: flags.arch as ModelType,
        out: flags.out,
        seed: flags.seed,
        shape: flags.shape as ShapePreset | undefined,
        dtype: flags.dtype as "bf16" | "f32",
        overrides,
      });
      process.stdout.write(`wrote ${flags.arch} checkpoint to ${flags.out}\n`);
    });
}
