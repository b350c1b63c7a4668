/**
 * @module `rio info`: which llama.cpp build Rio loads, its CPU variants and how each scores on this
 * processor (the names RIO_CPU_VARIANT accepts), the one in use, the CPU's extra weight buffer types, and
 * the backend devices.
 */
import type { Command } from "commander";
import { CPU_VARIANT_ENV, cpuVariants, loadLlama } from "../../llama/index.js";

export function register(program: Command): void {
  program
    .command("info")
    .description(`the llama.cpp build, its CPU variants (for ${CPU_VARIANT_ENV}) and devices`)
    .option("--json", "one JSON object")
    .action((flags: { json?: boolean }) => {
      const llama = loadLlama();
      const variants = cpuVariants(llama.location.dir).map((v) => ({
        name: v.name,
        score: v.score,
        runnable: v.score > 0,
        inUse: v.name === llama.cpuVariant?.name,
      }));
      const info = {
        library: llama.location.dir,
        source: llama.location.source,
        cpuVariant: llama.cpuVariant?.name ?? null,
        chosenBy: process.env[CPU_VARIANT_ENV] ? CPU_VARIANT_ENV : "ggml (highest score)",
        cpuVariants: variants,
        cpuExtraBufferTypes: llama.cpuExtraBufferTypes,
        devices: llama.devices,
        systemInfo: llama.systemInfo().trim(),
      };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
        return;
      }
      const lines = [
        `llama.cpp: ${info.library} (${info.source})`,
        `CPU variant in use: ${info.cpuVariant ?? "none"} (chosen by ${info.chosenBy})`,
        `CPU variants (${CPU_VARIANT_ENV}=NAME loads one alone; score 0 = this processor cannot run it):`,
        ...variants.map(
          (v) =>
            `  ${v.inUse ? "*" : " "} ${v.name.padEnd(16)} ${String(v.score).padStart(5)}  ${v.runnable ? "" : "not runnable here"}`,
        ),
        `extra weight buffer types: ${info.cpuExtraBufferTypes.join(", ") || "none"}` +
          (info.cpuExtraBufferTypes.includes("AMX")
            ? " (Gated DeltaNet hybrids load without them: AMX breaks their batches)"
            : ""),
        `devices: ${info.devices.map((d) => `${d.name} (${d.type})`).join(", ")}`,
        `system: ${info.systemInfo}`,
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
