/**
 * @module What `rio eval` asks: a built-in suite (a split of Rio's problem families) or a JSON-lines file of
 * `{"question", "answer"}` records. A file's answer may be a number, GSM8K's worked answer ending in
 * `#### N`, a duration, or a list of numbers; a Countdown record gives `numbers` and `target` instead.
 */
import { readFileSync } from "node:fs";
import { type Expected, FAMILIES, type FamilyName, problems, type Split } from "../tasks/index.js";
import { extractDuration, extractNumbers } from "./extract.js";

/** One question of an evaluation. */
export interface EvalItem {
  id: string;
  /** The problem family, or "file" for records of a JSON-lines file without one. */
  family: string;
  question: string;
  expected: Expected;
}

/** Built-in suites: name -> the split it draws from. */
export const SUITES: Record<string, { split: Split; description: string }> = {
  test: { split: "test", description: "held-out phrasings and seeds of the six problem families" },
  valid: { split: "valid", description: "training phrasings, unseen seeds" },
};

/** `count` questions of a built-in suite (balanced over the families, or only `families`). */
export function suiteItems(name: string, count: number, families?: readonly FamilyName[]): EvalItem[] {
  const suite = SUITES[name];
  if (!suite) throw new Error(`--suite ${name}: expected one of ${Object.keys(SUITES).join(", ")}`);
  return problems(suite.split, count, families ? { families } : {}).map((p) => ({
    id: p.id,
    family: p.family,
    question: p.question,
    expected: p.expected,
  }));
}

/** What a file record's answer means (see the module comment); undefined when it cannot be read. */
export function expectedFromRecord(record: Record<string, unknown>): Expected | undefined {
  if (Array.isArray(record.numbers) && typeof record.target === "number")
    return { kind: "countdown", numbers: record.numbers.map(Number), target: record.target };
  const answer = record.answer;
  if (typeof answer === "number") return { kind: "number", value: answer };
  if (typeof answer !== "string") return undefined;
  const gsm8k = /####\s*(.+)$/.exec(answer.trim());
  const text = (gsm8k ? gsm8k[1] : answer).trim();
  const numbers = extractNumbers(text);
  if (/^-?[\d,]+(\.\d+)?$/.test(text)) return { kind: "number", value: numbers[0] };
  const minutes = /[a-z]/i.test(text) ? extractDuration(text) : undefined;
  if (minutes !== undefined) return { kind: "duration", minutes };
  if (numbers.length > 1 && /^[-\d,.\s]+$/.test(text)) return { kind: "numbers", values: numbers };
  return numbers.length === 1 ? { kind: "number", value: numbers[0] } : undefined;
}

/** The records of a JSON-lines file, each checked: errors name the file, the line and the field. */
export function fileItems(file: string): EvalItem[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`--file ${file}: ${(error as Error).message}`);
  }
  const items: EvalItem[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not JSON (${(error as Error).message})`);
    }
    if (typeof record !== "object" || record === null || Array.isArray(record))
      throw new Error(`${where}: expected an object {"question", "answer"}`);
    if (typeof record.question !== "string" || !record.question.trim())
      throw new Error(`${where}: "question" must be a non-empty string`);
    const expected = expectedFromRecord(record);
    if (!expected)
      throw new Error(
        `${where}: "answer" must be a number, a "... #### N" string, a duration or a list of numbers (or give "numbers" and "target")`,
      );
    const family =
      typeof record.family === "string" && FAMILIES.includes(record.family as FamilyName)
        ? record.family
        : "file";
    items.push({
      id: typeof record.id === "string" ? record.id : `${file}:${i + 1}`,
      family,
      question: record.question,
      expected,
    });
  });
  if (items.length === 0) throw new Error(`--file ${file}: no records`);
  return items;
}
