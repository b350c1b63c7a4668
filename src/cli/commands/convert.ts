/**
 * @module `rio convert`: Hugging Face checkpoint folder -> GGUF file, with a progress bar on stderr; a
 * checkpoint with a vision tower also gets its mmproj GGUF (`x.gguf` -> `x.mmproj.gguf`).
 */
import type { Command } from "commander";
import {
  CheckpointError,
  convertMmproj,
  hasVisionTower,
  type MmprojType,
  mmprojPathFor,
} from "../../checkpoint/index.js";
import { convertCheckpoint, MODEL_QUANTS, type ModelQuant } from "../../engine/index.js";
import { LlamaError } from "../../llama/index.js";
import { oneOf } from "../parsers.js";
import { tensorProgress } from "../progress.js";

interface ConvertFlags {
  model: string;
  to: "gguf";
  out: string;
  quant: ModelQuant;
  /** false with --no-mmproj */
  mmproj: boolean;
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
    .option(
      "--no-mmproj",
      "skip the vision tower (by default a checkpoint with one also gets <out>.mmproj.gguf, f32 for --quant f32 else f16)",
    )
    .action((flags: ConvertFlags) => {
      const mmproj = mmprojPathFor(flags.out);
      // f32 keeps an f32 tower; every other quantisation gets llama.cpp's usual f16 mmproj
      const mmprojType: MmprojType = flags.quant === "f32" ? "f32" : "f16";
      try {
        const vision = flags.mmproj && hasVisionTower(flags.model);
        withProgress("converting", (update) =>
          convertCheckpoint(flags.model, flags.out, flags.quant, update),
        );
        process.stdout.write(`wrote ${flags.out} (${flags.quant})\n`);
        if (!vision) return;
        withProgress("vision tower", (onProgress) =>
          convertMmproj(flags.model, mmproj, { type: mmprojType, onProgress }),
        );
        process.stdout.write(`wrote ${mmproj} (mmproj, ${mmprojType})\n`);
      } catch (err) {
        // a bad checkpoint is the user's input, not a crash: print its message, not a stack
        if (err instanceof CheckpointError || err instanceof LlamaError)
          program.error(`error: ${err.message}`);
        throw err;
      }
    });
}

/** Runs `work` with a tensor progress bar on stderr, stopped however it ends. */
function withProgress(label: string, work: (update: (done: number, total: number) => void) => void): void {
  const progress = tensorProgress(label);
  try {
    work(progress.update);
  } finally {
    progress.stop();
  }
}
