/**
 * @module `rio make-tiny`: writes a small, seeded, fully loadable Hugging Face checkpoint of any supported
 * architecture, for tests and conformance runs; `--train-head FILE` also trains its LM head on a text,
 * `--vision` adds a vision tower to a Qwen3.5 checkpoint.
 */
import * as fs from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import {
  type MakeTinyOptions,
  MODEL_TYPES,
  type ModelType,
  makeTinyModel,
  SHAPE_PRESETS,
  type ShapePreset,
  type TinyShape,
} from "../../checkpoint/index.js";
import { integerParser, oneOf } from "../parsers.js";
import { makeTrainedTinyModel } from "../trained-tiny.js";

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
  trainHead?: string;
  vision?: boolean;
  /** The text config keys --rope-scaling sets. */
  ropeScaling?: Record<string, unknown>;
}

const positiveInt = integerParser(1);

/** --rope-scaling: the JSON object, and for YaRN the extended max_position_embeddings (factor x original). */
function parseRopeScaling(value: string): Record<string, unknown> {
  let scaling: unknown;
  try {
    scaling = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`expected a JSON object, got ${value}`);
  }
  if (typeof scaling !== "object" || scaling === null || Array.isArray(scaling))
    throw new InvalidArgumentError(`expected a JSON object, got ${value}`);
  const { factor, original_max_position_embeddings: original } = scaling as Record<string, unknown>;
  return typeof factor === "number" && typeof original === "number"
    ? { rope_scaling: scaling, max_position_embeddings: Math.round(factor * original) }
    : { rope_scaling: scaling };
}

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
    .option(
      "--rope-scaling <json>",
      'config.json rope_scaling, e.g. \'{"rope_type":"yarn","factor":4,"original_max_position_embeddings":64}\' (max_position_embeddings becomes factor x original)',
      parseRopeScaling,
    )
    .option("--untied", "write a separate lm_head.weight (tie_word_embeddings = false)")
    .option(
      "--vision",
      "add a tiny vision tower (model.visual.*, vision_config, processor configs); qwen3_5* only",
    )
    .option(
      "--train-head <file>",
      "train the LM head (untied) on a UTF-8 text file, one text per blank-line-separated paragraph",
    )
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
      const options: MakeTinyOptions = {
        arch: flags.arch as ModelType,
        out: flags.out,
        seed: flags.seed,
        shape: flags.shape as ShapePreset | undefined,
        dtype: flags.dtype as "bf16" | "f32",
        overrides,
        vision: flags.vision,
        ...(flags.ropeScaling && { textConfig: flags.ropeScaling }),
      };
      if (flags.trainHead) trainHead(options, flags.trainHead);
      else makeTinyModel(options);
      process.stdout.write(
        `wrote ${flags.arch}${flags.vision ? " (with vision tower)" : ""} checkpoint to ${flags.out}\n`,
      );
    });
}

/** Writes the checkpoint with its (untied) head trained on the paragraphs of `textFile`. */
function trainHead(options: MakeTinyOptions, textFile: string): void {
  let text: string;
  try {
    text = fs.readFileSync(textFile, "utf8");
  } catch (error) {
    throw new Error(`--train-head ${textFile}: cannot read the file (${(error as Error).message})`);
  }
  let paragraphs = 0;
  const result = makeTrainedTinyModel(options, (tokenizer) => {
    const texts = text
      .split(/\n\s*\n/)
      .map((paragraph) => tokenizer.encode(paragraph.trim()))
      .filter((ids) => ids.length >= 2);
    if (texts.length === 0)
      throw new Error(`--train-head ${textFile}: no paragraph of two or more tokens to train on`);
    paragraphs = texts.length;
    return texts;
  });
  process.stdout.write(
    `trained the LM head on ${paragraphs} paragraphs: loss ${result.lossBefore.toFixed(3)} -> ${result.lossAfter.toFixed(3)} nats, accuracy ${result.accuracy.toFixed(3)}\n`,
  );
}
