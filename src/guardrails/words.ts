/**
 * @module Word and topic lists: English profanity through `obscenity` (its dataset and its transformers, which
 * undo leet-speak, repeated letters and characters put between letters), and the operator's own lists: words or
 * phrases per category, matched whole and case-blind after folding look-alikes, invisible and full-width forms.
 */
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from "obscenity";
import { patternDetector } from "./pattern.js";
import type { Detector } from "./types.js";

const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** English profanity. */
export const profanity: Detector = {
  name: "profanity",
  categories: ["profanity"],
  maxLength: 64,
  chars: /[^\n]/,
  detect(text) {
    // obscenity's end index is inclusive
    return matcher
      .getAllMatches(text, true)
      .map((m) => ({ start: m.startIndex, end: m.endIndex + 1, category: "profanity", score: 1 }));
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
