/** @module The detectors a policy file names, one line each, and the groups that name several. */
import { hiddenPayload, injectionPhrases } from "./injection.js";
import { cnpj, cpf, creditCard, numbers, phone } from "./numbers.js";
import { dateOfBirth, email, iban, ipAddress } from "./pii.js";
import { apiKeys, highEntropy, privateKey } from "./secrets.js";
import type { Detector, Span } from "./types.js";
import { profanity } from "./words.js";

/** Built-in detectors by the name a policy file uses. */
export const DETECTORS: Readonly<Record<string, Detector>> = Object.fromEntries(
  [
    email,
    phone,
    creditCard,
    iban,
    ipAddress,
    cpf,
    cnpj,
    dateOfBirth,
    apiKeys,
    privateKey,
    highEntropy,
    injectionPhrases,
    hiddenPayload,
    profanity,
  ].map((d) => [d.name, d]),
);

/** Names that stand for several detectors (`numbers` reads each digit run once for cards, CPF, CNPJ and phones). */
export const DETECTOR_GROUPS: Readonly<Record<string, readonly Detector[]>> = {
  pii: [email, numbers, iban, ipAddress, dateOfBirth],
  secrets: [apiKeys, privateKey, highEntropy],
  injection: [injectionPhrases, hiddenPayload],
};

/**
 * Every span the detectors find, overlaps merged (the earlier, then longer, span wins).
 * @example
 * detectAll([email], "mail a@b.io"); // [{ start: 5, end: 11, category: "email", score: 1 }]
 */
export function detectAll(detectors: readonly Detector[], text: string): Span[] {
  return mergeSpans(detectors.flatMap((d) => d.detect(text)));
}

/** Spans sorted, overlaps merged (the earlier, then longer, span keeps its category). */
export function mergeSpans(found: readonly Span[]): Span[] {
  const spans = [...found];
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
