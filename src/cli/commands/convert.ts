/**
 * @module `rio convert`: Hugging Face checkpoint folder -> GGUF file, with a progress bar on stderr.
 */
import type { Command } from "commander";
import { CheckpointError } from "../../checkpoint/index.js";
import { convertCheckpoint, MODEL_QUANTS, type ModelQuant } from "../../engine/index.js";
import { LlamaError } from "../../llama/index.js";
import { oneOf } from "../parsers.js";
import { tensorProgress } from "../progress.js";

interface ConvertFlags {
  model: string;
  to: "gguf";
  out: string;
  quant: ModelQuant;
}

export function register(program: Command): void {
  program
    .command("convert")
    .description(
      "convert a Hugging Face checkpoint folder to GGUF (llama.cpp's format), quantising on the way",
    )
    .requiredOption(
      "--model <dir>",
      "Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer.json)",
    )
    .requiredOption("--to <format>", "output format: gguf", oneOf(["gguf"] as const))
    .requiredOption("--out <file>", "output file")
    .option(
      "--quant <type>",
      `tensor type for weight matrices: ${MODEL_QUANTS.join(", ")} (norms stay f32; the k-quant presets ` +
        "are llama.cpp's, which picks each tensor's type)",
      oneOf(MODEL_QUANTS),
      "f16",
    )
    .action((flags: ConvertFlags) => {
      const progress = tensorProgress("converting");
      try {
        convertCheckpoint(flags.model, flags.out, flags.quant, progress.update);
      } catch (err) {
        // a bad checkpoint is the user's input, not a crash: print its message, not a stack
        if (err instanceof CheckpointError || err instanceof LlamaError)
          program.error(`error: ${err.message}`);
        throw err;
      } finally {
        progress.stop();
      }
      process.stdout.write(`wrote ${flags.out} (${flags.quant})\n`);
    });
}
