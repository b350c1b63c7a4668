/**
 * @module `npm run bench -- swir [--json] [--quant q8_0]`: what a SwiReasoning latent step costs against an
 * explicit one on the Qwen3-0.6B shape. Each step's time (controller, next input vector, llama_decode) is
 * attributed to what that step fed back: a soft mixture (latent) or one token row (explicit). A plain
 * `cot` run gives the baseline of an explicit step without SwiReasoning's entropy pass.
 */
import { type GenerateRequest, generate } from "../src/decoding/index.js";
import { createEngine, loadModel, Scheduler } from "../src/engine/index.js";
import { benchModel } from "./bench-models.js";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export async function main(args: string[]): Promise<void> {
  const json = args.includes("--json");
  const quant = args.includes("--quant") ? (args[args.indexOf("--quant") + 1] as "q8_0" | "q4_0") : "q8_0";
  const model = loadModel(benchModel("qwen3", "qwen3-0.6b").gguf(quant));
  const scheduler = new Scheduler(createEngine(model, { ctx: 2048 }));
  model.embeddings.meanRow(); // computed once per model, outside the timed steps
  const request = (reasoning: GenerateRequest["reasoning"]): GenerateRequest => ({
    messages: [{ role: "user", content: "Prove that the sum of two odd numbers is even." }],
    reasoning,
    sampling: { seed: 7 },
    maxTokens: 160,
    ignoreEos: true,
  });
  const times = { latent: [] as number[], explicit: [] as number[], cot: [] as number[] };
  for (let round = 0; round < 2; round++) {
    for (const method of ["swir", "cot"] as const) {
      let last = 0;
      let lastFed: "token" | "mixture" = "token";
      for await (const step of generate(
        model,
        scheduler,
        request(method === "swir" ? { method, window: 16 } : { method }),
      )) {
        const now = performance.now();
        // the interval since the previous step is the cost of feeding what that step chose, then deciding this one
        if (step.index > 0)
          (method === "cot" ? times.cot : lastFed === "mixture" ? times.latent : times.explicit).push(
            now - last,
          );
        last = now;
        lastFed = step.fed;
      }
    }
  }
  const result = {
    bench: "swir_step_cost",
    quant,
    latent_steps: times.latent.length,
    explicit_steps: times.explicit.length,
    latent_ms: Number(mean(times.latent).toFixed(2)),
    explicit_ms: Number(mean(times.explicit).toFixed(2)),
    cot_ms: Number(mean(times.cot).toFixed(2)),
    ratio_latent_vs_explicit: Number((mean(times.latent) / mean(times.explicit)).toFixed(3)),
    ratio_latent_vs_cot: Number((mean(times.latent) / mean(times.cot)).toFixed(3)),
  };
  console.log(json ? JSON.stringify(result) : result);
  process.exit(0);
}
