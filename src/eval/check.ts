/** @module Whether a generated output states what a problem expects (extraction rules in extract.ts). */
import type { Expected } from "../tasks/index.js";
import { ExpressionError, evaluate } from "./expression.js";
import {
  answerPart,
  extractDuration,
  extractExpression,
  extractFinalNumber,
  extractNumbers,
} from "./extract.js";

/** The verdict on one output, with what was read from it. */
export interface Verdict {
  correct: boolean;
  /** What extraction found, as text ("" when nothing was found or the reasoning never closed). */
  extracted: string;
}

/**
 * Checks `output` (the whole generated text, reasoning included) against `expected`.
 *
 * @example
 * checkAnswer({ kind: "number", value: 42 }, "<think>\n17 + 25 = 42.\n</think>\n\n17 + 25 = 42.");
 * // { correct: true, extracted: "42" }
 */
export function checkAnswer(expected: Expected, output: string): Verdict {
  const answer = answerPart(output);
  if (answer === undefined) return { correct: false, extracted: "" };
  switch (expected.kind) {
    case "number": {
      const n = extractFinalNumber(answer);
      return {
        correct: n !== undefined && Math.abs(n - expected.value) < 1e-9,
        extracted: n === undefined ? "" : String(n),
      };
    }
    case "numbers": {
      const ns = extractNumbers(answer);
      const correct = ns.length === expected.values.length && ns.every((n, i) => n === expected.values[i]);
      return { correct, extracted: ns.join(", ") };
    }
    case "duration": {
      const m = extractDuration(answer);
      return { correct: m === expected.minutes, extracted: m === undefined ? "" : `${m} min` };
    }
    case "countdown": {
      const expression = extractExpression(answer.split("=")[0]);
      if (!expression) return { correct: false, extracted: "" };
      try {
        const { value, numbers } = evaluate(expression);
        const pool = [...expected.numbers];
        const usesGiven = numbers.every((n) => {
          const k = pool.indexOf(n);
          if (k < 0) return false;
          pool.splice(k, 1);
          return true;
        });
        return {
          correct: usesGiven && value.d === 1n && value.n === BigInt(expected.target),
          extracted: expression,
        };
      } catch (error) {
        if (error instanceof ExpressionError) return { correct: false, extracted: expression };
        throw error;
      }
    }
  }
}
