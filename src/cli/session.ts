/**
 * @module What run, chat and serve share: loading the model named by --model (or the embedded rio-nano)
 * with a progress bar for a first-time conversion, and the engine and scheduler over it.
 */
import type { Command } from "commander";
import {
  createEngine,
  KV_TYPES,
  type KvType,
  loadModel,
  MODEL_QUANTS,
  type ModelQuant,
  type RioModel,
  Scheduler,
  trainedContext,
} from "../engine/index.js";
import type { ImageEncoder } from "../vision/index.js";
import { DEFAULT_MODEL_NOTICE, defaultModelDir } from "./default-model.js";
import { integerParser, oneOf } from "./parsers.js";
import { addPlacementOptions, type PlacementFlags, placementFromFlags } from "./placement-flags.js";
import { tensorProgress } from "./progress.js";
import type { VisionFlags } from "./vision.js";

/** Flags of every command that loads a model. */
export interface ModelFlags extends VisionFlags, PlacementFlags {
  model?: string;
  quant: ModelQuant;
  /** Absent: `defaultCtx`, lowered to the model's maximum for a single sequence. */
  ctx?: number;
  /** The command's default context (set by addModelOptions). */
  defaultCtx?: number;
  kvType: KvType;
  threads?: number;
  /** False with --no-prefix-cache. */
  prefixCache?: boolean;
}

/** Adds the placement flags, --model, --quant, --ctx, --kv-type, --threads, --no-prefix-cache; `defaults.ctx` is remembered for openSession. */
export function addModelOptions(
  command: Command,
  defaults: { ctx: number },
  rpcInProcess?: () => boolean,
): Command {
  command.hook("preAction", (cmd) => {
    cmd.setOptionValue("defaultCtx", defaults.ctx);
  });
  return addPlacementOptions(command, rpcInProcess)
    .option("--model <path>", "Hugging Face folder or GGUF file (default: the embedded rio-nano)")
    .option(
      "--quant <type>",
      `quantisation when converting a Hugging Face folder: ${MODEL_QUANTS.join(", ")}`,
      oneOf(MODEL_QUANTS),
      "q8_0",
    )
    .option(
      "--ctx <n>",
      `context positions shared by all sequences, at most the model's trained (or YaRN-extended) length (default: ${defaults.ctx}, or that length when smaller)`,
      integerParser(16),
    )
    .option(
      "--kv-type <type>",
      `KV cache type: ${KV_TYPES.join(", ")} (q8_0 and q4_0 halve and quarter its memory and turn flash attention on)`,
      oneOf(KV_TYPES),
      "f16",
    )
    .option("--threads <n>", "CPU threads (default: physical cores)", integerParser(1))
    .option("--no-prefix-cache", "prefill every prompt in full instead of resuming from cached prefixes")
    .option(
      "--mmproj <file>",
      "vision projector GGUF (default: converted with a checkpoint that has a vision tower, or X.mmproj.gguf beside X.gguf)",
    )
    .option("--no-vision", "do not load the model's vision encoder");
}

/** A loaded model with its engine and scheduler. */
export interface Session {
  model: RioModel;
  scheduler: Scheduler;
  /** True when no --model was given and rio-nano runs. */
  isDefault: boolean;
  /** The model's vision encoder once openVision opened it; closed before the model is freed. */
  encoder?: ImageEncoder;
  close(): void;
}

/** Loads the model and creates the engine; progress and notices go to stderr. */
export function openSession(
  flags: ModelFlags,
  opts: { maxSequences: number; maxQueue?: number; quiet?: boolean },
): Session {
  const isDefault = flags.model === undefined;
  // said even with --json: stderr keeps stdout machine-readable
  if (isDefault) process.stderr.write(`${DEFAULT_MODEL_NOTICE}\n`);
  const source = flags.model ?? defaultModelDir();
  const progress = tensorProgress("converting to GGUF (first load only)");
  let model: RioModel;
  try {
    model = loadModel(source, {
      ...placementFromFlags(flags),
      quant: flags.quant,
      onConvertProgress: opts.quiet ? undefined : progress.update,
    });
  } finally {
    progress.stop();
  }
  let engine: ReturnType<typeof createEngine>;
  try {
    engine = createEngine(model, {
      ctx: flags.ctx ?? defaultContext(flags.defaultCtx ?? 4096, model, opts.maxSequences),
      kvType: flags.kvType,
      maxSequences: opts.maxSequences,
      threads: flags.threads,
      prefixCache: flags.prefixCache !== false,
    });
  } catch (error) {
    model.free();
    throw error;
  }
  const scheduler = new Scheduler(engine, { maxQueue: opts.maxQueue });
  return {
    model,
    scheduler,
    isDefault,
    close() {
      this.encoder?.close();
      engine.close();
      model.free();
    },
  };
}

/**
 * The context when --ctx is not given: the command's default, but no more than the model's maximum when
 * one sequence could use it all (several sequences share it, each kept within that maximum).
 */
function defaultContext(ctx: number, model: RioModel, maxSequences: number): number {
  const max = trainedContext(model.gguf).max;
  return maxSequences === 1 && max > 0 ? Math.min(ctx, max) : ctx;
}
