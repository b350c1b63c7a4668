/**
 * @module `rio convert`: Hugging Face checkpoint folder -> GGUF file, with a progress bar on stderr.
 */
import cliProgress from "cli-progress";
import { type Command, InvalidArgumentError } from "commander";
import { CheckpointError, convertToGguf, QUANTS, type Quant } from "../../checkpoint/index.js";

interface ConvertFlags {
  model: string;
  to: "gguf";
  out: string;
  quant: Quant;
}

function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!allowed.includes(value as T))
      throw new InvalidArgumentError(`expected one of ${allowed.join(", ")}`);
    return value as T;
  };
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
      `tensor type for weight matrices: ${QUANTS.join(", ")} (norms stay f32)`,
      oneOf(QUANTS),
      "f16",
    )
    .action((flags: ConvertFlags) => {
      const bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: "converting [{bar}] {value}/{total} tensors | {duration_formatted}",
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      let started = false;
      try {
        convertToGguf(flags.model, flags.out, {
          quant: flags.quant,
          onProgress: (done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          },
        });
      } catch (err) {
        // a bad checkpoint is the user's input, not a crash: print its message, not a stack
        if (err instanceof CheckpointError) program.error(`error: ${err.message}`);
        throw err;
      } finally {
        if (started) bar.stop();
      }
      process.stdout.write(`wrote ${flags.out} (${flags.quant})\n`);
    });
}
