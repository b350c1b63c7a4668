/** @module A detector from a regular expression and a check of each match, searched in folded text. */
import { fold, originRange } from "./normalize.js";
import type { Detector, Span } from "./types.js";

/** What patternDetector needs. */
export interface PatternSpec {
  name: string;
  categories: readonly string[];
  /** Searched with a `g` flag added. */
  pattern: RegExp;
  maxLength: number;
  chars: RegExp;
  tail?: RegExp;
  /** The span is this capture group (a date after its keyword), not the whole match. */
  group?: number;
  /** Map look-alike letters before searching (injection and word lists; not PII). */
  homoglyphs?: boolean;
  /** The category and score of a match, or undefined to drop it (checksums, context). */
  check(match: RegExpExecArray, text: string): { category: string; score: number } | undefined;
}

/**
 * @example
 * const d = patternDetector({ name: "ssn", categories: ["ssn"], pattern: /\d{3}-\d{2}-\d{4}/, maxLength: 11,
 *   chars: /[\d-]/, check: () => ({ category: "ssn", score: 1 }) });
 * d.detect("id 123-45-6789"); // [{ start: 3, end: 14, category: "ssn", score: 1 }]
 */
export function patternDetector(spec: PatternSpec): Detector {
  const flags = `${spec.pattern.flags.replace(/[gd]/g, "")}g${spec.group ? "d" : ""}`;
  return {
    name: spec.name,
    categories: spec.categories,
    maxLength: spec.maxLength,
    chars: spec.chars,
    tail: spec.tail,
    detect(text) {
      const folded = fold(text, spec.homoglyphs === true);
      const pattern = new RegExp(spec.pattern.source, flags);
      const spans: Span[] = [];
      for (let m = pattern.exec(folded.text); m; m = pattern.exec(folded.text)) {
        if (m[0].length === 0) {
          pattern.lastIndex++;
          continue;
        }
        const found = spec.check(m, folded.text);
        if (!found) continue;
        const [from, to] = spec.group
          ? (m.indices?.[spec.group] ?? [0, 0])
          : [m.index, m.index + m[0].length];
        spans.push({ ...originRange(folded, from, to), ...found });
      }
      return spans;
    },
  };
}
