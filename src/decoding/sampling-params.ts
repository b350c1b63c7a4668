/**
 * @module
 * Sampling parameters, their defaults from a `generation_config.json`-like object, and validation.
 * Field names keep the Hugging Face / OpenAI spelling so they map one-to-one onto config and request fields.
 */

/** How the next token is chosen from a logits row. */
export interface SamplingParams {
  /** Divides the logits; 0 means greedy (argmax). */
  temperature: number;
  /** Keep only the k most likely tokens; 0 disables. */
  top_k: number;
  /** Keep the smallest prefix (by probability) whose mass reaches top_p; 1 disables. */
  top_p: number;
  /** Drop tokens whose probability is below min_p times the top probability; 0 disables. */
  min_p: number;
  /** HF/CTRL penalty on tokens already seen: positive logits divided by it, negative multiplied; 1 disables. */
  repetition_penalty: number;
  /** OpenAI presence penalty subtracted once from every token already generated; 0 disables. */
  presence_penalty: number;
  /** OpenAI frequency penalty subtracted once per earlier occurrence of a generated token; 0 disables. */
  frequency_penalty: number;
  /** Seed of the per-sequence generator: same seed and same logits give the same tokens. */
  seed: number;
  /** OpenAI logit_bias: token id -> value added to its logit before sampling (-100 bans, 100 forces). */
  logit_bias?: ReadonlyMap<number, number>;
}

/** Error naming the source, the field and what was expected. */
export class SamplingParamsError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly field: string,
  ) {
    super(`${source}: ${field} ${message}`);
    this.name = "SamplingParamsError";
  }
}

// Hugging Face GenerationConfig defaults: an absent field in generation_config.json means these.
const HF_DEFAULTS: SamplingParams = {
  temperature: 1,
  top_k: 50,
  top_p: 1,
  min_p: 0,
  repetition_penalty: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  seed: 0,
};

/**
 * Sampling defaults from a parsed `generation_config.json` (absent fields take the Hugging Face defaults;
 * `do_sample: false` means greedy). The seed defaults to 0; a server should pass a fresh seed per request
 * when the client gives none.
 *
 * @example
 * samplingDefaults({ do_sample: true, temperature: 0.6, top_k: 20, top_p: 0.95 });
 * // { temperature: 0.6, top_k: 20, top_p: 0.95, min_p: 0, repetition_penalty: 1, ..., seed: 0 }
 */
export function samplingDefaults(
  generationConfig: Record<string, unknown> = {},
  source = "generation_config.json",
): SamplingParams {
  const params = { ...HF_DEFAULTS };
  for (const key of Object.keys(HF_DEFAULTS) as Exclude<keyof SamplingParams, "logit_bias">[]) {
    const value = generationConfig[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number")
      throw new SamplingParamsError(`must be a number, got ${typeof value}`, source, key);
    params[key] = value;
  }
  if (generationConfig.do_sample === false) params.temperature = 0;
  return validateSamplingParams(params, source);
}

/**
 * Token ids that end generation, from `eos_token_id` (a number or a list) of a generation config.
 *
 * @example
 * stopTokenIds({ eos_token_id: [151645, 151643] }); // [151645, 151643]
 */
export function stopTokenIds(
  generationConfig: Record<string, unknown>,
  source = "generation_config.json",
): number[] {
  const eos = generationConfig.eos_token_id;
  if (eos === undefined || eos === null) return [];
  const ids = Array.isArray(eos) ? eos : [eos];
  for (const id of ids) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new SamplingParamsError(
        `must be a token id or a list of token ids, got ${JSON.stringify(eos)}`,
        source,
        "eos_token_id",
      );
    }
  }
  return ids as number[];
}

/**
 * Checks ranges and returns the same object.
 *
 * @example
 * validateSamplingParams({ ...samplingDefaults(), top_p: 0.9 }, "request");
 */
export function validateSamplingParams(params: SamplingParams, source = "sampling params"): SamplingParams {
  const check = (ok: boolean, field: keyof SamplingParams, expectation: string) => {
    if (!ok) throw new SamplingParamsError(`must be ${expectation}, got ${params[field]}`, source, field);
  };
  check(Number.isFinite(params.temperature) && params.temperature >= 0, "temperature", ">= 0");
  check(Number.isInteger(params.top_k) && params.top_k >= 0, "top_k", "an integer >= 0 (0 disables)");
  check(params.top_p > 0 && params.top_p <= 1, "top_p", "in (0, 1]");
  check(params.min_p >= 0 && params.min_p <= 1, "min_p", "in [0, 1]");
  check(
    Number.isFinite(params.repetition_penalty) && params.repetition_penalty > 0,
    "repetition_penalty",
    "> 0",
  );
  check(Number.isFinite(params.presence_penalty), "presence_penalty", "a finite number");
  check(Number.isFinite(params.frequency_penalty), "frequency_penalty", "a finite number");
  check(Number.isFinite(params.seed), "seed", "a finite number");
  for (const [id, bias] of params.logit_bias ?? [])
    if (!Number.isInteger(id) || id < 0 || !Number.isFinite(bias))
      throw new SamplingParamsError(
        `must map token ids (integers >= 0) to finite numbers, got ${id} -> ${bias}`,
        source,
        "logit_bias",
      );
  return params;
}
