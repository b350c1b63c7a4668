/**
 * @module PII written as text: e-mail addresses (also `[at]`/`(dot)` spellings), IBANs (ibantools: country length
 * and mod-97 checksum), IPv4 and IPv6 addresses (node:net), and dates of birth (a date after a birth keyword,
 * English or Portuguese).
 */
import { isIP } from "node:net";
import { electronicFormatIBAN, isValidIBAN } from "ibantools";
import { patternDetector } from "./pattern.js";

const AT = String.raw`\s*(?:@|[\[({]\s*at\s*[\])}])\s*`;
const DOT = String.raw`\s*(?:\.|[\[({]\s*dot\s*[\])}])\s*`;

/** E-mail addresses. */
export const email = patternDetector({
  name: "email",
  categories: ["email"],
  pattern: new RegExp(
    String.raw`(?<![\w.%+-])[\w%+-]+(?:${DOT}[\w%+-]+)*${AT}[a-z\d-]+(?:${DOT}[a-z\d-]+)*${DOT}[a-z]{2,24}(?![\w-])`,
    "i",
  ),
  maxLength: 254,
  chars: /[\w.%+@\-\s[\](){}\uff01-\uff5e]/,
  // a space belongs to an address only beside "@" or a bracketed [at]/(dot); one trailing space may precede one
  tail: /(?:[\w.%+@\-\uff01-\uff5e[\](){}]|\s(?=[\s@[({\uff20])|(?<=[@[\](){}\uff20])\s)*\s?$/,
  check: () => ({ category: "email", score: 1 }),
});

/** IBANs, grouped in fours or not; capitals only, so a grouped IBAN does not run on into the next word. */
export const iban = patternDetector({
  name: "iban",
  categories: ["iban"],
  pattern: /(?<![A-Za-z\d])[A-Z]{2}\d{2}(?:[ -]?[A-Z\d]){11,30}(?![A-Za-z\d])/,
  maxLength: 50,
  chars: /[A-Za-z\d \-\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/,
  // a country code, its check digits, then groups: an IBAN starts with two capitals
  tail: /(?:[A-Z\uff21-\uff3a]{1,2}|[A-Z\uff21-\uff3a]{2}[\d\uff10-\uff19]{1,2}(?:[ -]?[A-Z\d\uff10-\uff19\uff21-\uff3a])*[ -]?)$/,
  check: (m) => {
    const electronic = electronicFormatIBAN(m[0]) ?? "";
    return isValidIBAN(electronic) ? { category: "iban", score: 1 } : undefined;
  },
});

/** IPv4 and IPv6 addresses. */
export const ipAddress = patternDetector({
  name: "ip_address",
  categories: ["ip_address"],
  // an IPv4 inside a longer dotted number (a version string) is not one; a full stop may end the sentence
  pattern:
    /(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[a-f\d]{0,4}(?::[a-f\d]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?)(?![\w:]|\.\w)/i,
  maxLength: 45,
  chars: /[\da-fA-F.:\uff10-\uff19]/,
  check: (m) => {
    const v = isIP(m[0]);
    // an IPv6 needs real hex groups: "::" or a clock time are not addresses
    if (v === 6 && (m[0].replace(/:/g, "").length < 4 || !/[a-f\d]{2,4}:/i.test(m[0]))) return undefined;
    return v ? { category: "ip_address", score: 1 } : undefined;
  },
});

const MONTHS =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janeiro|fevereiro|mar[cç]o|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro";
const DATE = String.raw`\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th|º)?\s+(?:de\s+)?(?:${MONTHS})\.?,?\s+(?:de\s+)?\d{4}|(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}`;
const BIRTH = String.raw`\b(?:born|birth(?:day|date)?|d\.?o\.?b\.?|nascid[oa]s?|nascimento|nasceu|nasci|natalício)\b`;

/** A date within a few words after a birth keyword ("born on", "DOB:", "data de nascimento"). */
export const dateOfBirth = patternDetector({
  name: "date_of_birth",
  categories: ["date_of_birth"],
  pattern: new RegExp(String.raw`(${BIRTH}[^\n\d]{0,30}?)(${DATE})(?![\d])`, "iu"),
  group: 2,
  maxLength: 90,
  chars: /[^\n]/,
  // a match starts at its keyword: a keyword and what follows it, or a word that may become one
  tail: new RegExp(String.raw`(?:${BIRTH}[^\n]*|\p{L}+\.?|d\.(?:o\.?)?)$`, "iu"),
  check: () => ({ category: "date_of_birth", score: 0.9 }),
});
