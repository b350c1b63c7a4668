/**
 * @module Identifiers written as digit groups: credit cards (Luhn and issuer prefix), Brazilian CPF and CNPJ
 * (check digits) and phone numbers (libphonenumber-js, Brazil's formats when no country code is written). A
 * run of digit groups joined by short separators (spaces, dots, dashes, slashes, parentheses) is read once; every
 * contiguous range of its groups is tried, so `123.456.789-09`, `1 2 3 4 ...` and a number written next to
 * another are all found.
 */
import { isValidPhoneNumber } from "libphonenumber-js";
import { fold, originRange } from "./normalize.js";
import type { Detector, Span } from "./types.js";

const RUN = /[+(]?\d+(?:[ \t.\-/()]{1,3}\d+)*/g;
const CHARS = /[\d \t.\-/()+\uff10-\uff19\u200b-\u200d\u2060\ufeff]/;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Visa, Mastercard (51-55, 2221-2720), Amex, Discover, Diners, JCB: Luhn alone passes one random number in ten
const ISSUER = /^(?:4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|6(?:011|5|4[4-9])|3(?:0[0-5]|[68])|35)/;

function cardOk(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && ISSUER.test(digits) && luhn(digits);
}

/** Brazilian mod-11 check digits: weights run from `first` down to 2 (CPF), or cycle 2..9 from the right (CNPJ). */
function mod11(digits: string, weights: number[]): number {
  const sum = weights.reduce((s, w, i) => s + w * (digits.charCodeAt(i) - 48), 0);
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

function cpfOk(d: string): boolean {
  if (d.length !== 11 || /^(\d)\1+$/.test(d)) return false;
  const w1 = [10, 9, 8, 7, 6, 5, 4, 3, 2];
  const w2 = [11, ...w1];
  return mod11(d, w1) === +d[9] && mod11(d, w2) === +d[10];
}

function cnpjOk(d: string): boolean {
  if (d.length !== 14 || /^(\d)\1+$/.test(d)) return false;
  const w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
  const w2 = [6, ...w1];
  return mod11(d, w1) === +d[12] && mod11(d, w2) === +d[13];
}

// the digits alone go to libphonenumber: its lenient parsing of the written form would read a date and a time
// ("2024-03-15 10") as a number
function phoneOk(text: string, digits: string): boolean {
  if (digits.length < 8 || digits.length > 15) return false;
  if (text.startsWith("+")) return isValidPhoneNumber(`+${digits}`);
  // without a country code: a Brazilian number with its area code (two digits 1-9), then a mobile's 9 or a
  // landline's 2-5 (libphonenumber alone takes area code 20 of "2024-03-15 10")
  const shape = digits.length === 11 ? /^[1-9]{2}9/ : /^[1-9]{2}[2-5]/;
  return (
    (digits.length === 10 || digits.length === 11) && shape.test(digits) && isValidPhoneNumber(digits, "BR")
  );
}

type Kind = "credit_card" | "cpf" | "cnpj" | "phone";
const CHECKS: Record<Kind, (text: string, digits: string) => boolean> = {
  cpf: (_, d) => cpfOk(d),
  cnpj: (_, d) => cnpjOk(d),
  credit_card: (_, d) => cardOk(d),
  phone: phoneOk,
};

function numberDetector(name: string, kinds: Kind[]): Detector {
  return {
    name,
    categories: kinds,
    // the longest: 19 card digits, each followed by up to 3 separator characters
    maxLength: 80,
    chars: CHARS,
    detect(text) {
      const folded = fold(text, false);
      const spans: Span[] = [];
      for (const run of folded.text.matchAll(RUN)) {
        const groups = [...run[0].matchAll(/\d+/g)].map((g) => ({ at: g.index, text: g[0] }));
        // a leading "+" or "(" belongs to a phone number that starts at the run's first group
        const lead = /^[+(]/.test(run[0]);
        // the longest range of groups that is a known identifier wins; the ranges after it are tried next
        let first = 0;
        while (first < groups.length) {
          let found: { last: number; kind: Kind } | undefined;
          let digits = "";
          for (let last = first; last < groups.length && digits.length < 19; last++) {
            digits += groups[last].text;
            const from = first === 0 && lead ? 0 : groups[first].at;
            const slice = run[0].slice(from, groups[last].at + groups[last].text.length);
            const kind = kinds.find((k) => CHECKS[k](slice, digits));
            if (kind) found = { last, kind };
          }
          if (!found) {
            first++;
            continue;
          }
          const from = run.index + (first === 0 && lead ? 0 : groups[first].at);
          const to = run.index + groups[found.last].at + groups[found.last].text.length;
          spans.push({ ...originRange(folded, from, to), category: found.kind, score: 1 });
          first = found.last + 1;
        }
      }
      return spans;
    },
  };
}

/** Credit card numbers (13-19 digits, issuer prefix, Luhn). */
export const creditCard = numberDetector("credit_card", ["credit_card"]);
/** Brazilian individual taxpayer numbers (11 digits, two check digits). */
export const cpf = numberDetector("cpf", ["cpf"]);
/** Brazilian company numbers (14 digits, two check digits). */
export const cnpj = numberDetector("cnpj", ["cnpj"]);
/** Phone numbers: international with `+`, and Brazilian ones with area code. */
export const phone = numberDetector("phone", ["phone"]);
/** All four at once (one pass; the identifiers with check digits are tried before phone numbers). */
export const numbers = numberDetector("numbers", ["cpf", "cnpj", "credit_card", "phone"]);
