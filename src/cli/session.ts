/**
 * @module What run, chat and serve share: loading the model named by --model (or the default demo model)
 * with a progress bar for a first-time conversion, and the engine and scheduler over it.
 */
import type { Command } from "commander";
import {
  createEngine,
  loadModel,
  MODEL_QUANTS,
  type ModelQuant,
  type RioModel,
  Scheduler,
} from "../engine/index.js";
import { DEMO_NOTICE, ensureDefaultModel } from "./default-model.js";
import { integerParser, oneOf } from "./parsers.js";
import { tensorProgress } from "./progress.js";

/** Flags of every command that loads a model. */
export interface ModelFlags {
  model?: string;
  quant: ModelQuant;
  ctx: number;
  threads?: number;
}

/** Adds --model, --quant, --ctx, --threads. */
export function addModelOptions(command: Command, defaults: { ctx: number }): Command {
  return command
    .option("--model <path>", "Hugging Face folder or GGUF file (default: the embedded demo model)")
    .option(
      "--quant <type>",
      `quantisation when converting a Hugging Face folder: ${MODEL_QUANTS.join(", ")}`,
      oneOf(MODEL_QUANTS),
      "q8_0",
    )
    .option("--ctx <n>", "context positions (shared by all sequences)", integerParser(16), defaults.ctx)
    .option("--threads <n>", "CPU threads (default: physical cores)", integerParser(1));
}

/** A loaded model with its engine and scheduler. */
export interface Session {
  model: RioModel;
  scheduler: Scheduler;
  isDemo: boolean;
  close(): void;
}

/** Loads the model and creates the engine; progress and notices go to stderr. */
export function openSession(
  flags: ModelFlags,
  opts: { maxSequences: number; maxQueue?: number; quiet?: boolean },
): Session {
  const isDemo = flags.model === undefined;
  // said even with --json: stderr keeps stdout machine-readable
  if (isDemo) process.stderr.write(`${DEMO_NOTICE}\n`);
  const source = flags.model ?? ensureDefaultModel();
  const progress = tensorProgress("converting to GGUF (first load only)");
  let model: RioModel;
  try {
    model = loadModel(source, {
      quant: flags.quant,
      onConvertProgress: opts.quiet ? undefined : progress.update,
    });
  } finally {
    progress.stop();
  }
  const engine = createEngine(model, {
    ctx: flags.ctx,
    maxSequences: opts.maxSequences,
    threads: flags.threads,
  });
  const scheduler = new Scheduler(engine, { maxQueue: opts.maxQueue });
  return {
    model,
    scheduler,
    isDemo,
    close() {
      engine.close();
      model.free();
    },
  };
}
