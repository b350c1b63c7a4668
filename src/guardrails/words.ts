/**
 * @module Word and topic lists: English profanity through `obscenity` (its dataset and its transformers, which
 * undo leet-speak and repeated letters; Rio folds invisible characters and look-alikes first and joins letters
 * spelt out one by one), and the operator's own lists: words or
 * phrases per category, matched whole and case-blind after folding look-alikes, invisible and full-width forms.
 */
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from "obscenity";
import { fold, originRange } from "./normalize.js";
import { patternDetector } from "./pattern.js";
import type { Detector } from "./types.js";

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

// single letters spaced out ("f u c k", "s.h.i.t"), which obscenity's transformers do not join
const SPACED = /(?<![\p{L}\p{N}])\p{L}(?:[ .\-_*]{1,2}\p{L}(?![\p{L}\p{N}])){2,}/gu;

/** English profanity, also spelt out letter by letter. */
export const profanity: Detector = {
  name: "profanity",
  categories: ["profanity"],
  maxLength: 64,
  chars: /[^\n]/,
  detect(text) {
    // invisible characters and look-alikes are folded first: obscenity reads neither
    const folded = fold(text);
    const span = (start: number, end: number) => ({
      ...originRange(folded, start, end),
      category: "profanity",
      score: 1,
    });
    // obscenity's end index is inclusive
    const spans = matcher.getAllMatches(folded.text, true).map((m) => span(m.startIndex, m.endIndex + 1));
    for (const m of folded.text.matchAll(SPACED))
      if (matcher.hasMatch(m[0].replace(/[ .\-_*]/g, ""))) spans.push(span(m.index, m.index + m[0].length));
    return spans;
  },
};

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");

/**
 * A detector of the operator's lists, one category each.
 * @example
 * wordList("topics", { weapons: ["rifle", "assault weapon"] }).detect("an Assault  Weapon"); // [{ category: "weapons", ... }]
 */
export function wordList(name: string, lists: Readonly<Record<string, readonly string[]>>): Detector {
  const entries = Object.entries(lists).filter(([, words]) => words.length > 0);
  const longest = Math.max(1, ...entries.flatMap(([, words]) => words.map((w) => w.length)));
  return patternDetector({
    name,
    categories: entries.map(([category]) => category),
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}])(?:${entries.map(([, words], i) => `(?<c${i}>${words.map(literal).join("|")})`).join("|")})(?![\\p{L}\\p{N}])`,
      "iu",
    ),
    homoglyphs: true,
    // a phrase's spaces may be widened; twice its length covers that
    maxLength: longest * 2 + 8,
    chars: /[^\n]/,
    check: (m) => {
      const i = Number(
        Object.entries(m.groups ?? {})
          .find(([, v]) => v !== undefined)?.[0]
          .slice(1) ?? 0,
      );
      return { category: entries[i][0], score: 1 };
    },
  });
}
