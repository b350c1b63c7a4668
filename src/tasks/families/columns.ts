/**
 * @module Column arithmetic written out the way it is taught: digits from the right, carries and borrows,
 * shared by the addition, subtraction and multiplication families.
 */
import type { Language } from "../problem.js";

const PLACES: Record<Language, string[]> = {
  en: ["Ones", "Tens", "Hundreds", "Thousands", "Ten thousands"],
  pt: ["Unidades", "Dezenas", "Centenas", "Milhares", "Dezenas de milhar"],
};

const WORDS = {
  en: { write: "write", carry: "carry", negative: "is negative, borrow 1" },
  pt: { write: "escrevo", carry: "vai", negative: "é negativo, empresto 1" },
};

/** Digits of n, ones first. */
export function digitsOf(n: number): number[] {
  const out: number[] = [];
  do {
    out.push(n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return out;
}

/**
 * One column of a carrying pass: `terms = value`, then the digit written and what is carried (the last
 * column writes its whole value).
 */
function carryLine(lang: Language, column: number, terms: string, value: number, last: boolean): string {
  const w = WORDS[lang];
  const head = `${PLACES[lang][column]}: ${terms} = ${value}`;
  if (last || value < 10) return `${head}, ${w.write} ${value}.`;
  return `${head}, ${w.write} ${value % 10}, ${w.carry} ${Math.floor(value / 10)}.`;
}

/** Column addition of two non-negative integers, one line per column. */
export function additionLines(a: number, b: number, lang: Language): string[] {
  const da = digitsOf(a);
  const db = digitsOf(b);
  const n = Math.max(da.length, db.length);
  const lines: string[] = [];
  let carry = 0;
  for (let i = 0; i < n; i++) {
    const sum = (da[i] ?? 0) + (db[i] ?? 0) + carry;
    lines.push(carryLine(lang, i, `${da[i] ?? 0} + ${db[i] ?? 0}${carry ? " + 1" : ""}`, sum, i === n - 1));
    carry = sum >= 10 ? 1 : 0;
  }
  return lines;
}

/** Column subtraction a - b for a >= b >= 0, one line per column of a. */
export function subtractionLines(a: number, b: number, lang: Language): string[] {
  const da = digitsOf(a);
  const db = digitsOf(b);
  const w = WORDS[lang];
  const lines: string[] = [];
  let borrow = 0;
  for (let i = 0; i < da.length; i++) {
    const x = da[i];
    const y = db[i] ?? 0;
    const terms = `${borrow ? " - 1" : ""} - ${y}`;
    const value = x - borrow - y;
    if (value < 0) {
      lines.push(`${PLACES[lang][i]}: ${x}${terms} ${w.negative}: ${x + 10}${terms} = ${value + 10}.`);
      borrow = 1;
    } else {
      lines.push(`${PLACES[lang][i]}: ${x}${terms} = ${value}.`);
      borrow = 0;
    }
  }
  return lines;
}

/** Multiplication of a by one digit d, one line per digit of a. */
export function shortMultiplicationLines(a: number, d: number, lang: Language): string[] {
  const da = digitsOf(a);
  const lines: string[] = [];
  let carry = 0;
  for (let i = 0; i < da.length; i++) {
    const product = da[i] * d + carry;
    lines.push(
      carryLine(lang, i, `${da[i]} × ${d}${carry ? ` + ${carry}` : ""}`, product, i === da.length - 1),
    );
    carry = Math.floor(product / 10);
  }
  return lines;
}
