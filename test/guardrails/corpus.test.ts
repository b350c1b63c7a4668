// Detection rates on the guardrail corpora (test/fixtures/guardrails): obfuscated PII in English and Portuguese,
// secrets of several shapes, injections inside a PDF's text and inside a tool result, and a benign corpus of
// similar size. Each rate is asserted against a floor (or, for false positives, a ceiling) so the test can fail.
import assert from "node:assert/strict";
import { test } from "node:test";
import { extractDocument } from "../../src/documents/index.js";
import { DETECTOR_GROUPS, DETECTORS, detectAll } from "../../src/guardrails/index.js";
import { textPdf } from "../documents/make-files.js";
import {
  benignCorpus,
  type CorpusItem,
  INJECTION_VARIANTS,
  injectionPayloads,
  piiCorpus,
  secretsCorpus,
  toolResult,
} from "../fixtures/guardrails/corpus.js";

/** Floors of the caught share per detector; the false-positive ceiling of the benign corpus. */
const FLOOR = 0.95;
const INJECTION_FLOOR = 0.9;
const FALSE_POSITIVE_CEILING = 0.02;

function rates(items: CorpusItem[]): Map<string, { caught: number; total: number }> {
  const out = new Map<string, { caught: number; total: number }>();
  for (const item of items) {
    const spans = DETECTORS[item.detector].detect(item.text);
    const caught = spans.some(
      (s) => s.category === item.category && s.start < item.end && s.end > item.start,
    );
    const r = out.get(item.detector) ?? { caught: 0, total: 0 };
    r.caught += caught ? 1 : 0;
    r.total++;
    out.set(item.detector, r);
  }
  return out;
}

for (const [name, corpus] of [
  ["PII", piiCorpus()],
  ["secrets", secretsCorpus()],
] as const)
  test(`${name} corpus: every detector catches at least ${FLOOR * 100}% of its items`, (t) => {
    for (const [detector, r] of rates(corpus)) {
      t.diagnostic(`${detector}: ${r.caught}/${r.total} = ${((100 * r.caught) / r.total).toFixed(1)}%`);
      assert.ok(r.caught / r.total >= FLOOR, `${detector}: ${r.caught}/${r.total}`);
    }
  });

test(`injections inside tool results: at least ${INJECTION_FLOOR * 100}% caught`, (t) => {
  const payloads = injectionPayloads();
  const caught = payloads.filter(
    (p, i) => detectAll(DETECTOR_GROUPS.injection, toolResult(p.text, i)).length > 0,
  );
  t.diagnostic(`injection in tool results: ${caught.length}/${payloads.length}`);
  assert.ok(caught.length / payloads.length >= INJECTION_FLOOR, `${caught.length}/${payloads.length}`);
});

test(`injections inside a PDF's text layer: at least ${INJECTION_FLOOR * 100}% caught`, async (t) => {
  // Helvetica's WinAnsi encoding holds no look-alike Cyrillic or zero-width characters: those variants go
  // through tool results only
  const variants = new Set(["plain", "upper", "spaced", "base64"]);
  const payloads = injectionPayloads().filter((p) => variants.has(p.variant) && !/[^\x20-\xff]/.test(p.text));
  assert.ok(Object.keys(INJECTION_VARIANTS).length > variants.size);
  // one page per payload, between ordinary lines; long lines are wrapped to stay on the page (pdf.js drops glyphs past its edge)
  const pdf = await textPdf(
    payloads.map((p) => [
      "Quarterly report - page notes",
      ...(p.text.match(/.{1,60}/g) ?? []),
      "Revenue grew 4% in Q3.",
    ]),
  );
  const doc = await extractDocument(pdf, { name: "report.pdf" });
  assert.equal(doc.pages.length, payloads.length);
  const caught = doc.pages.filter((page) => detectAll(DETECTOR_GROUPS.injection, page.text).length > 0);
  t.diagnostic(`injection in PDF text: ${caught.length}/${payloads.length}`);
  assert.ok(caught.length / payloads.length >= INJECTION_FLOOR, `${caught.length}/${payloads.length}`);
});

test("profanity: obscenity's evasions and letters spelt out are caught; words that contain one are not", () => {
  const evasions = ["sh1t", "fuuuuck", "f u c k", "F.U.C.K", "s-h-i-t", "b1tch", "ｓｈｉｔ", "sh\u200bit"];
  const missed = evasions.filter((word) => DETECTORS.profanity.detect(`well, ${word} happens`).length === 0);
  assert.deepEqual(missed, []);
  for (const word of ["Scunthorpe", "assassin", "class assessment", "a b c d", "U S A"])
    assert.deepEqual(DETECTORS.profanity.detect(word), [], word);
});

test(`benign corpus: at most ${FALSE_POSITIVE_CEILING * 100}% flagged by any detector`, (t) => {
  const all = Object.values(DETECTORS);
  const corpus = benignCorpus();
  const flagged = corpus.filter((item) => detectAll(all, item.text).length > 0);
  for (const item of flagged) t.diagnostic(`flagged: ${JSON.stringify(item.text)}`);
  t.diagnostic(`benign flagged: ${flagged.length}/${corpus.length}`);
  assert.ok(corpus.length >= 200);
  assert.ok(flagged.length / corpus.length <= FALSE_POSITIVE_CEILING, `${flagged.length}/${corpus.length}`);
});
