/**
 * @module What every problem family produces: a question, a worked chain of thought written as a person
 * would reason it out, the answer part, and what a correct answer must state (checked by eval/).
 */

/** The languages problems are phrased in (the model family's home is Rio de Janeiro). */
export type Language = "en" | "pt";

export const FAMILIES = [
  "arithmetic",
  "multiplication",
  "duration",
  "word",
  "ordering",
  "countdown",
] as const;
/** The problem families. */
export type FamilyName = (typeof FAMILIES)[number];

/** What a correct answer must state. */
export type Expected =
  | { kind: "number"; value: number }
  | { kind: "numbers"; values: number[] }
  | { kind: "duration"; minutes: number }
  | { kind: "countdown"; numbers: number[]; target: number };

/** One problem with its worked solution. */
export interface Problem {
  /** `family/split/index`, unique within a split. */
  id: string;
  family: FamilyName;
  language: Language;
  /** Index of the question template, so splits can hold phrasings out. */
  template: number;
  question: string;
  /** The chain of thought (inside <think>...</think>). */
  reasoning: string;
  /** The answer part, stating the result plainly, e.g. "17 + 25 = 42." */
  answer: string;
  expected: Expected;
}

/** What a family's generator returns before the split assigns ids. */
export type Draft = Omit<Problem, "id" | "family">;

/** A question template: the words around the numbers, in one language. */
export type Template<V> = (v: V) => string;

/** A problem family: question templates per language and a generator over them. */
export interface Family {
  name: FamilyName;
  /** How many question templates each language has (indices 0..n-1). */
  templateCount: Record<Language, number>;
  /** A problem in `language` phrased with template `template`. */
  generate(rng: Rng, language: Language, template: number): Draft;
}

/** A seeded random source (the generators draw everything from it, so a seed fixes the problem). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  shuffle<T>(items: readonly T[]): T[];
}
