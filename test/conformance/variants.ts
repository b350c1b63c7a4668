/**
 * `npm run conformance:variants -- [--arch ARCH] [--batch N]`: the conformance run under every llama.cpp CPU
 * variant this processor can execute (one child process each, RIO_CPU_VARIANT=NAME), as a table of the
 * F32-vs-reference and batch-vs-single figures against the suite's bounds. Exits non-zero when a bound
 * fails under any variant.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { CPU_VARIANT_ENV, cpuVariants, loadLlama } from "../../src/llama/index.js";
import { F32_VS_REFERENCE_LOGPROB, SAME_FUNCTION_LOGPROB } from "./bounds.js";

const opts = new Command()
  .option("--arch <arch>", "one architecture (default: all)")
  .option("--batch <n>", "llama_decode batch size, as the CI suite uses", "32")
  .parse()
  .opts<{ arch?: string; batch: string }>();

const runner = fileURLToPath(new URL("./run.js", import.meta.url));
const variants = cpuVariants(loadLlama().location.dir);
const runnable = variants.filter((v) => v.score > 0);
const skipped = variants.filter((v) => v.score === 0).map((v) => v.name);

type Row = Record<string, number | string>;
const table: string[] = [
  "| variant | arch | F32 vs reference max \\|Δ log p\\| | batch vs single max \\|Δ log p\\| | batch vs single max \\|Δ logit\\| | faults caught | within bounds |",
  "|---|---|---|---|---|---|---|",
];
let failures = 0;
for (const variant of runnable) {
  const args = [runner, "--json", "--batch", opts.batch, ...(opts.arch ? ["--arch", opts.arch] : [])];
  const child = spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, [CPU_VARIANT_ENV]: variant.name },
    maxBuffer: 64 << 20,
  });
  if (child.status !== 0) {
    failures++;
    table.push(
      `| ${variant.name} | (run failed: exit ${child.status}) | ${child.stderr.trim().split("\n").pop()} | | | | no |`,
    );
    continue;
  }
  const rows: Row[] = child.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
  for (const arch of [...new Set(rows.map((r) => r.arch as string))]) {
    const of = (key: string, value: string) => rows.find((r) => r.arch === arch && r[key] === value);
    const reference = of("precision", "f32_vs_reference");
    const batch = of("check", "batch_vs_single");
    const faults = rows.filter(
      (r) => r.arch === arch && String(r.check).startsWith("batch_vs_single_fault_"),
    );
    const caught = faults.filter((r) => (r.max_abs_logprob_diff as number) > SAME_FUNCTION_LOGPROB).length;
    const exact = ["token_vs_embedding", "reuse_after_release"].every(
      (c) => of("check", c)?.max_abs_logit_diff === 0,
    );
    const ok =
      (reference?.max_abs_logprob_diff as number) <= F32_VS_REFERENCE_LOGPROB &&
      (batch?.max_abs_logprob_diff as number) <= SAME_FUNCTION_LOGPROB &&
      caught === faults.length &&
      exact &&
      of("check", "tokenizer_vs_llama")?.mismatches === 0;
    if (!ok) failures++;
    const e = (x: unknown) => (typeof x === "number" ? x.toExponential(1) : "?");
    table.push(
      `| ${variant.name} | ${arch} | ${e(reference?.max_abs_logprob_diff)} | ${e(batch?.max_abs_logprob_diff)} | ${e(batch?.max_abs_logit_diff)} | ${caught}/${faults.length} | ${ok ? "yes" : "**no**"} |`,
    );
  }
}
console.log(table.join("\n"));
console.log(
  `\nbounds: F32 vs reference ${F32_VS_REFERENCE_LOGPROB}, batch vs single ${SAME_FUNCTION_LOGPROB} (nats); ` +
    `not runnable on this processor: ${skipped.join(", ") || "none"}`,
);
process.exitCode = failures ? 1 : 0;
