/**
 * @module RoPE scaling (linear, YaRN) as config.json gives it, in the shape llama.cpp's converter and HF's
 * rope utilities read it: transformers v5 `rope_parameters`, else the older `rope_scaling`
 * (convert_hf_to_gguf: `conversion/base.py` TextModel.__init__, `hparams.get("rope_parameters",
 * hparams.get("rope_scaling"))`), with `type` standing in for `rope_type` and a top-level
 * `original_max_position_embeddings` mirrored in.
 */

/** A non-default RoPE scaling; field names as in config.json. */
export interface RopeScaling {
  rope_type: "linear" | "yarn";
  factor: number;
  /** YaRN: the pre-extension context (absent: HF uses max_position_embeddings; llama.cpp's converter fails). */
  original_max_position_embeddings?: number;
  /** YaRN optional knobs (HF `_compute_yarn_parameters`; defaults beta_fast 32, beta_slow 1, truncate true). */
  attention_factor?: number;
  beta_fast?: number;
  beta_slow?: number;
  mscale?: number;
  mscale_all_dim?: number;
  extrapolation_factor?: number;
  truncate?: boolean;
}

const OPTIONAL_NUMBERS = [
  "attention_factor",
  "beta_fast",
  "beta_slow",
  "mscale",
  "mscale_all_dim",
  "extrapolation_factor",
] as const;

/**
 * The RoPE scaling of a text config (`text` is the raw object), or undefined for plain RoPE
 * (`rope_type` absent or "default"). `fail(field, message)` throws; `prefix` is "text_config." or "".
 */
export function parseRopeScaling(
  text: Record<string, unknown>,
  prefix: string,
  fail: (field: string, msg: string) => never,
): RopeScaling | undefined {
  const key = text.rope_parameters != null ? "rope_parameters" : "rope_scaling";
  const raw = text[key];
  if (raw == null) return undefined;
  const params = raw as Record<string, unknown>;
  const field = (name: string) => `${prefix}${key}.${name}`;
  const type = params.rope_type ?? params.type;
  if (type === undefined || type === "default") return undefined;
  if (type !== "linear" && type !== "yarn")
    fail(
      field("rope_type"),
      `${JSON.stringify(type)} is not supported (default, linear or yarn; llama.cpp's converter writes no other)`,
    );
  const factor = params.factor;
  if (typeof factor !== "number" || !(factor > 0))
    fail(field("factor"), `expected a number > 0 for ${type} scaling (got ${JSON.stringify(factor)})`);
  const scaling: RopeScaling = { rope_type: type as RopeScaling["rope_type"], factor: factor as number };
  if (type === "linear") return scaling;
  const original = params.original_max_position_embeddings ?? text.original_max_position_embeddings;
  if (original !== undefined) {
    if (typeof original !== "number" || !Number.isInteger(original) || original < 1)
      fail(
        field("original_max_position_embeddings"),
        `expected a positive integer (got ${JSON.stringify(original)})`,
      );
    scaling.original_max_position_embeddings = original as number;
  }
  for (const name of OPTIONAL_NUMBERS) {
    const value = params[name];
    if (value == null) continue;
    if (typeof value !== "number") fail(field(name), `expected a number (got ${JSON.stringify(value)})`);
    scaling[name] = value as number;
  }
  if (params.truncate != null) {
    if (typeof params.truncate !== "boolean")
      fail(field("truncate"), `expected a boolean (got ${JSON.stringify(params.truncate)})`);
    scaling.truncate = params.truncate as boolean;
  }
  return scaling;
}
