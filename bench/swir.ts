/**
 * @module `npm run bench -- swir [--json] [--quant q8_0] [--rounds 4]`: what a SwiReasoning latent step
 * costs against an explicit one on the Qwen3-0.6B shape. Each step's time (controller, next input vector,
 * llama_decode) is attributed to what that step fed back: a soft mixture (latent) or one token row
 * (explicit). A plain `cot` run of the same prompt gives the baseline at every position; since a step's
 * cost grows with its position (attention over the context) and latent and explicit steps fall at different
 * positions, the `*_same_position` ratios compare each step with cot at the same position, and their
 * quotient is the latent-vs-explicit cost with the position taken out.
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
  // Per step index (= position after the prompt): the swir run's intervals by what was fed, and cot's.
  // Latent and explicit steps fall at different positions (a random model tends to end its runs in latent
  // mode, where the context is longest), so each is also compared with cot at the same positions.
  const steps = 160;
  const swirSteps: { fed: "token" | "mixture"; ms: number }[][] = Array.from({ length: steps }, () => []);
  const cotSteps: number[][] = Array.from({ length: steps }, () => []);
  // ABBA order (swir, cot, cot, swir, ...): a slow drift of the machine's speed then weighs on both alike
  const rounds = Number(args[args.indexOf("--rounds") + 1]) || 4;
  for (let round = 0; round < rounds; round++) {
    for (const method of round % 2 === 0 ? (["swir", "cot"] as const) : (["cot", "swir"] as const)) {
      let last = 0;
      let lastFed: "token" | "mixture" = "token";
      for await (const step of generate(
        model,
        scheduler,
        request(method === "swir" ? { method, window: 16 } : { method }),
      )) {
        const now = performance.now();
        // the interval since the previous step is the cost of feeding what that step chose, then deciding this one
        if (step.index > 0) {
          if (method === "cot") cotSteps[step.index].push(now - last);
          else swirSteps[step.index].push({ fed: lastFed, ms: now - last });
        }
        last = now;
        lastFed = step.fed;
      }
    }
  }
  const cotAt = cotSteps.map(mean);
  const of = (fed: "token" | "mixture") =>
    swirSteps.flatMap((list, index) => list.filter((s) => s.fed === fed).map((s) => ({ index, ms: s.ms })));
  const latent = of("mixture");
  const explicit = of("token");
  // mean over steps of (step time / cot's mean time at the same index)
  const vsCot = (xs: { index: number; ms: number }[]) => mean(xs.map((x) => x.ms / cotAt[x.index]));
  const result = {
    bench: "swir_step_cost",
    quant,
    latent_steps: latent.length,
    explicit_steps: explicit.length,
    latent_ms: Number(mean(latent.map((x) => x.ms)).toFixed(2)),
    explicit_ms: Number(mean(explicit.map((x) => x.ms)).toFixed(2)),
    cot_ms: Number(mean(cotSteps.flat()).toFixed(2)),
    ratio_latent_vs_explicit: Number(
      (mean(latent.map((x) => x.ms)) / mean(explicit.map((x) => x.ms))).toFixed(3),
    ),
    latent_vs_cot_same_position: Number(vsCot(latent).toFixed(3)),
    explicit_vs_cot_same_position: Number(vsCot(explicit).toFixed(3)),
    ratio_latent_vs_explicit_same_position: Number((vsCot(latent) / vsCot(explicit)).toFixed(3)),
  };
  console.log(json ? JSON.stringify(result) : result);
  process.exit(0);
}
