/**
 * @module Splits of the problem families. Problems are split two ways: by seed (each split draws from its
 * own random stream) and by phrasing (every fourth question template of each family and language is held
 * out: the test split uses only those, training and validation never do).
 */
import { arithmetic } from "./families/arithmetic.js";
import { countdown } from "./families/countdown.js";
import { duration } from "./families/duration.js";
import { multiplication } from "./families/multiplication.js";
import { ordering } from "./families/ordering.js";
import { word } from "./families/word.js";
import { FAMILIES, type Family, type FamilyName, type Language, type Problem } from "./problem.js";
import { makeRng, seedOf } from "./rng.js";

export const FAMILY_GENERATORS: Record<FamilyName, Family> = {
  arithmetic,
  multiplication,
  duration,
  word,
  ordering,
  countdown,
};

export const SPLITS = ["train", "valid", "test"] as const;
/** train: training phrasings; valid: training phrasings, unseen seeds; test: held-out phrasings. */
export type Split = (typeof SPLITS)[number];

/** True for the question templates only the test split uses. */
export function isHeldOut(template: number): boolean {
  return template % 4 === 3;
}

/** Options of {@link problems}. */
export interface ProblemOptions {
  families?: readonly FamilyName[];
  languages?: readonly Language[];
  /** Offset of the first index (to continue a stream). */
  start?: number;
}

/**
 * `count` problems of `split`, round-robin over the families, deterministic: problem i of a split is the
 * same on every machine and in every call.
 *
 * @example
 * const [first] = problems("test", 1); // first.question, first.reasoning, first.answer, first.expected
 */
export function problems(split: Split, count: number, opts: ProblemOptions = {}): Problem[] {
  const families = opts.families ?? FAMILIES;
  const languages = opts.languages ?? (["en", "pt"] as const);
  const out: Problem[] = [];
  for (let k = 0; k < count; k++) {
    const i = (opts.start ?? 0) + k;
    const family = FAMILY_GENERATORS[families[i % families.length]];
    const rng = makeRng(seedOf(split, family.name, i));
    const language = rng.pick(languages);
    const allowed = Array.from({ length: family.templateCount[language] }, (_, t) => t).filter(
      (t) => isHeldOut(t) === (split === "test"),
    );
    const template = rng.pick(allowed);
    out.push({
      id: `${family.name}/${split}/${i}`,
      family: family.name,
      ...family.generate(rng, language, template),
    });
  }
  return out;
}
