/**
 * @module The policy file: rails (where they look, which detectors, what they do, whom they apply to), named
 * policies (bundles of rails a key or a request adds), the operator's word lists and the judge's categories.
 * See README "Guardrails" for the format.
 */
import { z } from "zod";
import { DETECTOR_GROUPS, DETECTORS } from "./detectors.js";
import { FieldError, loadYamlFile, parseYaml } from "./yaml-file.js";

/** Where input text comes from: the user's messages, file parts read as text, tool results. */
export const INPUT_SOURCES = ["user", "document", "tool"] as const;
/** The two parts of an answer. */
export const OUTPUT_SOURCES = ["reasoning", "answer"] as const;
export type InputSource = (typeof INPUT_SOURCES)[number];
export type OutputSource = (typeof OUTPUT_SOURCES)[number];

const name = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "use letters, digits, _ . - (at most 64)");

const railSchema = z.strictObject({
  name,
  stage: z.enum(["input", "output"]),
  /** Defaults to every source of the stage. */
  sources: z
    .array(z.enum([...INPUT_SOURCES, ...OUTPUT_SOURCES]))
    .min(1)
    .optional(),
  detectors: z.array(z.string()).min(1),
  action: z.enum(["block", "redact", "flag"]),
  /** What a block tells the client. */
  message: z.string().max(500).optional(),
  /** Only these keys' names or applications; absent: every request. */
  scope: z
    .strictObject({ keys: z.array(z.string()).optional(), applications: z.array(z.string()).optional() })
    .optional(),
});

export const policySchema = z.strictObject({
  version: z.literal(1).optional(),
  word_lists: z.record(name, z.record(name, z.array(z.string().min(1).max(200)).max(10_000))).optional(),
  judge: z
    .strictObject({
      categories: z.array(z.strictObject({ name, description: z.string().max(500) })).min(1),
      /** Longest text judged; longer texts are judged by their first and last halves of this. */
      max_chars: z.number().int().min(100).max(32_000).default(4000),
      cache_size: z.number().int().min(0).max(1_000_000).default(1000),
    })
    .optional(),
  rails: z.array(railSchema).default([]),
  policies: z.record(name, z.array(name)).default({}),
});

export type Policy = z.infer<typeof policySchema>;
export type RailSpec = z.infer<typeof railSchema>;

/** The name a rail uses to ask for the model-judged check. */
export const JUDGE = "judge";

function refine(policy: Policy): void {
  const seen = new Set<string>();
  policy.rails.forEach((rail, i) => {
    if (seen.has(rail.name))
      throw new FieldError(["rails", i, "name"], `duplicate rail name ${JSON.stringify(rail.name)}`);
    seen.add(rail.name);
    const allowed: readonly string[] = rail.stage === "input" ? INPUT_SOURCES : OUTPUT_SOURCES;
    rail.sources?.forEach((source, j) => {
      if (!allowed.includes(source))
        throw new FieldError(
          ["rails", i, "sources", j],
          `${source} is not a source of ${rail.stage} (${allowed.join(", ")})`,
        );
    });
    rail.detectors.forEach((detector, j) => {
      const path = ["rails", i, "detectors", j];
      if (detector === JUDGE) {
        if (!policy.judge)
          throw new FieldError(path, "the judge needs a top-level judge: section with its categories");
        if (rail.action === "redact")
          throw new FieldError(path, "the judge gives no spans to redact: use block or flag");
      } else if (
        !(detector in DETECTORS || detector in DETECTOR_GROUPS || detector in (policy.word_lists ?? {}))
      )
        throw new FieldError(
          path,
          `unknown detector ${JSON.stringify(detector)}; known: ${[...Object.keys(DETECTOR_GROUPS), ...Object.keys(DETECTORS), ...Object.keys(policy.word_lists ?? {}), JUDGE].join(", ")}`,
        );
    });
  });
  for (const [policyName, rails] of Object.entries(policy.policies))
    rails.forEach((rail, j) => {
      if (!seen.has(rail))
        throw new FieldError(["policies", policyName, j], `no rail named ${JSON.stringify(rail)}`);
    });
}

/**
 * Reads and checks a policy file.
 * @example
 * const policy = loadPolicy("policy.yaml"); // throws ConfigFileError "policy.yaml:4:15: rails.0.action: ..."
 */
export function loadPolicy(file: string): Policy {
  return loadYamlFile(file, policySchema, refine);
}

/** Checks a policy given as YAML text (`file` names it in errors). */
export function parsePolicy(text: string, file = "policy"): Policy {
  return parseYaml(file, text, policySchema, refine);
}
