/**
 * `npm run conformance -- [--arch ARCH] [--json]`: the reference vs the engine (F32), Q8_0/Q4_0 vs F32,
 * token vs embedding input, batch vs single and the tokenizer vs llama.cpp's, on tiny models made here.
 */
import { Command } from "commander";
import { MODEL_TYPES, type ModelType } from "../../src/checkpoint/index.js";
import { loadModel } from "../../src/engine/index.js";
import {
  BATCH_FAULTS,
  batchVsSingle,
  reuseAfterRelease,
  tokenizerMismatches,
  tokenVsEmbedding,
} from "./checks.js";
import { conformancePrompt, exactEngine, makeFixture, precisionReports } from "./harness.js";

const opts = new Command()
  .option("--arch <arch>", `one of ${MODEL_TYPES.join(", ")} (default: all)`)
  .option("--json", "one JSON object per line")
  .option("--batch <n>", "llama_decode batch size (small values split the prompt into several chunks)", "512")
  .parse()
  .opts<{ arch?: ModelType; json?: boolean; batch: string }>();

const archs = opts.arch ? [opts.arch] : [...MODEL_TYPES];
const print = (row: Record<string, unknown>) =>
  console.log(
    opts.json
      ? JSON.stringify(row)
      : Object.entries(row)
          .map(([k, v]) => `${k}=${v}`)
          .join("  "),
  );

for (const arch of archs) {
  if (!MODEL_TYPES.includes(arch))
    throw new Error(`--arch ${arch}: expected one of ${MODEL_TYPES.join(", ")}`);
  const fixture = makeFixture(arch, ["f32", "q8_0", "q4_0"]);
  try {
    for (const report of await precisionReports(fixture, Number(opts.batch))) print({ ...report });
    const model = loadModel(fixture.gguf.f32 as string);
    const engine = exactEngine(model, 4, Number(opts.batch));
    try {
      const prompt = conformancePrompt(model, fixture.chat);
      print({
        arch,
        check: "token_vs_embedding",
        max_abs_logit_diff: await tokenVsEmbedding(model, engine, prompt),
      });
      for (const fault of BATCH_FAULTS) {
        const r = await batchVsSingle(model, engine, prompt, fault);
        print({ arch, check: fault === "none" ? "batch_vs_single" : `batch_vs_single_fault_${fault}`, ...r });
      }
      const reuse = await reuseAfterRelease(model, engine, Number(opts.batch), prompt);
      print({ arch, check: "reuse_after_release", max_abs_logit_diff: reuse });
      print({ arch, check: "tokenizer_vs_llama", mismatches: tokenizerMismatches(model).length });
    } finally {
      engine.close();
      model.free();
    }
  } finally {
    fixture.cleanup();
  }
}
