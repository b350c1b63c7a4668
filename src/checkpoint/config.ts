import * as path from "node:path";
import { z } from "zod";
import { CheckpointError } from "./errors.js";
import { readJsonFile } from "./read-json.js";
import { parseRopeScaling } from "./rope-scaling.js";
import { type LayerType, MODEL_TYPES, type ModelType, need, type TextConfig } from "./text-config.js";

const posInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();

// Fields shared by every architecture; unknown keys are allowed (HF configs carry many).
const baseFields = {
  vocab_size: posInt,
  hidden_size: posInt,
  num_hidden_layers: posInt,
  num_attention_heads: posInt,
  num_key_value_heads: posInt.nullish(),
  head_dim: posInt.nullish(),
  intermediate_size: posInt,
  rms_norm_eps: z.number().positive().default(1e-6),
  rope_theta: z.number().positive().nullish(),
  rope_parameters: z
    .looseObject({
      rope_theta: z.number().positive().optional(),
      partial_rotary_factor: z.number().gt(0).lte(1).optional(),
      mrope_section: z.array(z.number().int().nonnegative()).optional(),
    })
    .nullish(),
  rope_scaling: z.record(z.string(), z.unknown()).nullish(),
  max_position_embeddings: posInt.default(32768),
  tie_word_embeddings: z.boolean().optional(),
  hidden_act: z.literal("silu").optional(),
  attention_bias: z
    .literal(false, { error: "expected false (attention biases are not supported)" })
    .optional(),
  use_sliding_window: z
    .literal(false, { error: "expected false (sliding-window attention is not supported)" })
    .optional(),
  bos_token_id: tokenId.nullish(),
  eos_token_id: z.union([tokenId, z.array(tokenId)]).nullish(),
};
const base = z.looseObject(baseFields);

const moe = {
  num_experts: posInt,
  num_experts_per_tok: posInt,
  moe_intermediate_size: posInt,
};

const hybrid = {
  layer_types: z.array(z.enum(["linear_attention", "full_attention"])).nullish(),
  full_attention_interval: posInt.default(4),
  linear_num_key_heads: posInt,
  linear_num_value_heads: posInt,
  linear_key_head_dim: posInt,
  linear_value_head_dim: posInt,
  linear_conv_kernel_dim: posInt.default(4),
  partial_rotary_factor: z.number().gt(0).lte(1).optional(),
};

const sparseStep = {
  norm_topk_prob: z.boolean().default(false),
  decoder_sparse_step: posInt.default(1),
  mlp_only_layers: z.array(z.number().int().nonnegative()).nullish(),
};

const sharedExpert = { shared_expert_intermediate_size: posInt };

const schemas = {
  qwen3: base.extend({ head_dim: posInt.default(128) }),
  qwen3_moe: base.extend({ ...moe, ...sparseStep }),
  qwen3_5: base.extend({ ...hybrid, head_dim: posInt.default(256) }),
  qwen3_5_moe: base.extend({
    ...hybrid,
    ...moe,
    ...sharedExpert,
    head_dim: posInt.default(256),
    intermediate_size: posInt.optional(),
  }),
};

/** Every field any schema yields, so the mapping below can read them uniformly. */
const anyFields = z.object({ ...moe, ...hybrid, ...sparseStep, ...sharedExpert }).partial();
type Parsed = Omit<z.infer<z.ZodObject<typeof baseFields>>, "intermediate_size"> & {
  intermediate_size?: number;
} & z.infer<typeof anyFields>;

/**
 * Reads and validates `dir/config.json`.
 * @throws CheckpointError naming the file, the field path (e.g. `text_config.hidden_size`) and what was expected.
 * @example const config = loadTextConfig("models/qwen3-tiny"); config.num_hidden_layers;
 */
export function loadTextConfig(dir: string): TextConfig {
  const file = path.join(dir, "config.json");
  return parseTextConfig(readJsonFile(file), file);
}

/** Validates an already-parsed config.json object; `file` is only used in error messages. */
export function parseTextConfig(raw: unknown, file: string): TextConfig {
  const fail = (field: string, msg: string): never => {
    throw new CheckpointError(`${file}: field "${field}": ${msg}`, file, field);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("(root)", "expected a JSON object");
  const outer = raw as Record<string, unknown>;
  const nested = typeof outer.text_config === "object" && outer.text_config !== null;
  const text = (nested ? outer.text_config : outer) as Record<string, unknown>;
  const prefix = nested ? "text_config." : "";
  const modelType = resolveModelType(outer, text, prefix, fail);

  const parsed = schemas[modelType].safeParse(text);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = prefix + issue.path.join(".");
    const got = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)?.[k], text);
    // zod says "Invalid input: expected number, received string"; keep the expectation, show the value
    const expectation = issue.message.replace(/^Invalid (input|option): /, "").replace(/, received \w+$/, "");
    fail(field, `${expectation} (${got === undefined ? "missing" : `got ${JSON.stringify(got)}`})`);
  }
  const c = parsed.data as Parsed;
  const rope: { rope_theta?: number; partial_rotary_factor?: number; mrope_section?: number[] } =
    c.rope_parameters ?? {};
  const config: TextConfig = {
    model_type: modelType,
    vocab_size: c.vocab_size,
    hidden_size: c.hidden_size,
    num_hidden_layers: c.num_hidden_layers,
    num_attention_heads: c.num_attention_heads,
    num_key_value_heads: c.num_key_value_heads ?? c.num_attention_heads,
    head_dim: c.head_dim ?? Math.floor(c.hidden_size / c.num_attention_heads),
    // the schema makes intermediate_size required everywhere except qwen3_5_moe, which requires moe_intermediate_size
    intermediate_size: (c.intermediate_size ?? c.moe_intermediate_size) as number,
    rms_norm_eps: c.rms_norm_eps,
    rope_theta: c.rope_theta ?? rope.rope_theta ?? 10000,
    max_position_embeddings: c.max_position_embeddings,
    // multimodal wrappers may keep tie_word_embeddings at the outer level only
    tie_word_embeddings: c.tie_word_embeddings ?? (outer.tie_word_embeddings as boolean | undefined) ?? false,
  };
  const ropeScaling = parseRopeScaling(text, prefix, fail);
  if (ropeScaling) config.rope_scaling = ropeScaling;
  if (c.bos_token_id != null) config.bos_token_id = c.bos_token_id;
  if (c.eos_token_id != null) config.eos_token_id = c.eos_token_id;
  if (modelType === "qwen3_moe" || modelType === "qwen3_5_moe") {
    config.num_experts = c.num_experts;
    config.num_experts_per_tok = c.num_experts_per_tok;
    config.moe_intermediate_size = c.moe_intermediate_size;
    config.norm_topk_prob = modelType === "qwen3_5_moe" ? true : c.norm_topk_prob;
  }
  if (modelType === "qwen3_moe") {
    config.decoder_sparse_step = c.decoder_sparse_step;
    config.mlp_only_layers = c.mlp_only_layers ?? [];
  }
  if (modelType === "qwen3_5_moe") config.shared_expert_intermediate_size = c.shared_expert_intermediate_size;
  if (modelType === "qwen3_5" || modelType === "qwen3_5_moe") {
    config.full_attention_interval = c.full_attention_interval;
    // HF: layer i is full attention when (i + 1) % full_attention_interval == 0
    config.layer_types =
      c.layer_types ??
      Array.from(
        { length: c.num_hidden_layers },
        (_, i): LayerType =>
          (i + 1) % (c.full_attention_interval ?? 4) ? "linear_attention" : "full_attention",
      );
    config.linear_num_key_heads = c.linear_num_key_heads;
    config.linear_num_value_heads = c.linear_num_value_heads;
    config.linear_key_head_dim = c.linear_key_head_dim;
    config.linear_value_head_dim = c.linear_value_head_dim;
    config.linear_conv_kernel_dim = c.linear_conv_kernel_dim;
    config.partial_rotary_factor = rope.partial_rotary_factor ?? c.partial_rotary_factor ?? 0.25;
    config.mrope_section = rope.mrope_section ?? [11, 11, 10];
  }
  checkConsistency(config, prefix, fail);
  return config;
}

function resolveModelType(
  outer: Record<string, unknown>,
  text: Record<string, unknown>,
  prefix: string,
  fail: (field: string, msg: string) => never,
): ModelType {
  const expected = `expected one of ${MODEL_TYPES.join(", ")} (Qwen3.5 text parts: qwen3_5_text, qwen3_5_moe_text)`;
  const name = (outer.model_type ?? text.model_type) as unknown;
  if (typeof name !== "string") return fail("model_type", `missing; ${expected}`);
  const modelType = name.replace(/_text$/, "") as ModelType;
  if (!MODEL_TYPES.includes(modelType))
    return fail("model_type", `unsupported architecture ${JSON.stringify(name)}; ${expected}`);
  const inner = text.model_type;
  if (prefix && inner !== undefined && inner !== `${modelType}_text` && inner !== modelType) {
    fail(
      `${prefix}model_type`,
      `expected "${modelType}_text" inside a "${modelType}" config (got ${JSON.stringify(inner)})`,
    );
  }
  return modelType;
}

function checkConsistency(c: TextConfig, prefix: string, fail: (field: string, msg: string) => never): void {
  const at = (f: string) => prefix + f;
  if (c.num_attention_heads % c.num_key_value_heads !== 0) {
    fail(
      at("num_key_value_heads"),
      `${c.num_key_value_heads} does not divide num_attention_heads ${c.num_attention_heads}`,
    );
  }
  if (c.num_experts !== undefined && need(c, "num_experts_per_tok") > c.num_experts) {
    fail(at("num_experts_per_tok"), `${c.num_experts_per_tok} exceeds num_experts ${c.num_experts}`);
  }
  if (c.mlp_only_layers?.some((il) => il >= c.num_hidden_layers)) {
    fail(at("mlp_only_layers"), `expected layer indices below num_hidden_layers ${c.num_hidden_layers}`);
  }
  if (c.layer_types && c.layer_types.length !== c.num_hidden_layers) {
    fail(
      at("layer_types"),
      `has ${c.layer_types.length} entries, expected num_hidden_layers = ${c.num_hidden_layers}`,
    );
  }
  if (
    c.linear_num_value_heads !== undefined &&
    c.linear_num_value_heads % need(c, "linear_num_key_heads") !== 0
  ) {
    fail(
      at("linear_num_value_heads"),
      `expected a multiple of linear_num_key_heads ${c.linear_num_key_heads}`,
    );
  }
}
