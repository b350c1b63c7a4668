/**
 * @module `rio eval`'s runner: every question under every method and token budget (and sample), run
 * concurrently through the scheduler, checked, and summarised as accuracy against mean generated tokens.
 */
import { type GenerateSummary, generate, type ReasoningOptions } from "../decoding/index.js";
import type { RioModel, Scheduler } from "../engine/index.js";
import { checkAnswer } from "./check.js";
import type { EvalItem } from "./suites.js";

/** A decoding method under test, e.g. `{ label: "swir", reasoning: { method: "swir" } }`. */
export interface EvalMethod {
  label: string;
  reasoning: ReasoningOptions;
}

/** Options of {@link runEval}. */
export interface EvalConfig {
  methods: EvalMethod[];
  /** Most generated tokens per answer (reasoning included), one run per budget. */
  budgets: number[];
  /** Sampling temperature (0: greedy); unset: the model's generation_config.json. */
  temperature?: number;
  /** Samples per question (with temperature > 0 they differ by seed). */
  samples: number;
  /** Requests in flight at once (at most the engine's sequences). */
  concurrency: number;
  /** Called after each generation with the number done and the total. */
  onProgress?(done: number, total: number): void;
}

/** One generation's outcome. */
export interface EvalRecord {
  id: string;
  family: string;
  method: string;
  budget: number;
  sample: number;
  correct: boolean;
  tokens: number;
  latentSteps: number;
  stopReason: GenerateSummary["stopReason"];
  extracted: string;
  output: string;
}

/** Accuracy and cost of one group of generations. */
export interface Score {
  accuracy: number;
  mean_tokens: number;
  n: number;
}

/** The summary line of one method at one budget, as `rio eval --json` prints it. */
export interface EvalRow extends Score {
  method: string;
  budget: number;
  by_family: Record<string, Score>;
}

/** Accuracy and mean tokens of `records`. */
export function score(records: EvalRecord[]): Score {
  const n = records.length;
  return {
    accuracy: n ? records.filter((r) => r.correct).length / n : 0,
    mean_tokens: n ? records.reduce((s, r) => s + r.tokens, 0) / n : 0,
    n,
  };
}

/** One row per (method, budget), in the order given. */
export function summarise(records: EvalRecord[], methods: EvalMethod[], budgets: number[]): EvalRow[] {
  return methods.flatMap(({ label }) =>
    budgets.map((budget) => {
      const group = records.filter((r) => r.method === label && r.budget === budget);
      const families = [...new Set(group.map((r) => r.family))];
      return {
        method: label,
        budget,
        ...score(group),
        by_family: Object.fromEntries(families.map((f) => [f, score(group.filter((r) => r.family === f))])),
      };
    }),
  );
}

/**
 * Runs every item under every method, budget and sample.
 *
 * @example
 * const { rows } = await runEval(model, scheduler, suiteItems("test", 60), {
 *   methods: [{ label: "cot", reasoning: { method: "cot" } }], budgets: [256], samples: 1, concurrency: 8 });
 */
export async function runEval(
  model: RioModel,
  scheduler: Scheduler,
  items: EvalItem[],
  config: EvalConfig,
): Promise<{ rows: EvalRow[]; records: EvalRecord[] }> {
  const jobs = config.methods.flatMap((method) =>
    config.budgets.flatMap((budget) =>
      items.flatMap((item) =>
        Array.from({ length: config.samples }, (_, sample) => ({ method, budget, item, sample })),
      ),
    ),
  );
  const records: EvalRecord[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let j = next++; j < jobs.length; j = next++) {
      const { method, budget, item, sample } = jobs[j];
      const steps = generate(model, scheduler, {
        messages: [{ role: "user", content: item.question }],
        reasoning: method.reasoning,
        maxTokens: budget,
        sampling: {
          ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
          seed: sample,
        },
      });
      let output = "";
      let r = await steps.next();
      while (!r.done) {
        output += r.value.text;
        r = await steps.next();
      }
      const summary = r.value;
      const verdict = checkAnswer(item.expected, output);
      records[j] = {
        id: item.id,
        family: item.family,
        method: method.label,
        budget,
        sample,
        correct: verdict.correct,
        tokens: summary.tokens,
        latentSteps: summary.latentSteps,
        stopReason: summary.stopReason,
        extracted: verdict.extracted,
        output,
      };
      config.onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, config.concurrency) }, worker));
  return { rows: summarise(records, config.methods, config.budgets), records };
}
