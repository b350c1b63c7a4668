// Streamed output rails equal whole-text rails for every chunking of the same text (every single split point,
// and many random chunkings), hold back little, and a blocking rail releases nothing of what it blocks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/decoding/index.js";
import { Guardrails, OutputRail, parsePolicy } from "../../src/guardrails/index.js";
import { benignCorpus, piiCorpus, secretsCorpus } from "../fixtures/guardrails/corpus.js";

const POLICY = `
word_lists:
  topics:
    weapons: [assault rifle, grenade]
rails:
  - name: redact-pii
    stage: output
    detectors: [pii, secrets, topics]
    action: redact
  - name: flag-profanity
    stage: output
    detectors: [profanity]
    action: flag
`;

const rails = new Guardrails(parsePolicy(POLICY)).select({ policies: [] });

async function railed(chunks: string[]): Promise<string> {
  const rail = new OutputRail(rails.on("answer"), "answer", undefined);
  let out = "";
  for (const chunk of chunks) out += rail.push(chunk);
  return out + (await rail.finish());
}

// texts mixing PII, secrets, listed words and plain prose, so spans sit near every chunk boundary
function texts(): string[] {
  const pii = piiCorpus().map((i) => i.text);
  const secrets = secretsCorpus().map((i) => i.text);
  const benign = benignCorpus().map((i) => i.text);
  const rng = new Rng(5);
  const pick = (list: string[]) => list[Math.floor(rng.next() * list.length)];
  return Array.from({ length: 4 }, (_, i) =>
    [
      pick(benign),
      pick(pii),
      i % 2 ? "an assault  rifle and a grenade" : "damn it",
      pick(secrets),
      pick(pii),
      pick(benign),
    ].join(" "),
  );
}

test("streamed redaction equals whole-text redaction at every split point and for random chunkings", async () => {
  const rng = new Rng(11);
  for (const text of texts()) {
    const whole = await railed([text]);
    assert.notEqual(whole, text, "the text has something to redact");
    assert.match(whole, /\[REDACTED:/);
    for (let at = 0; at <= text.length; at++)
      assert.equal(
        await railed([text.slice(0, at), text.slice(at)]),
        whole,
        `split at ${at} of ${JSON.stringify(text)}`,
      );
    for (let k = 0; k < 30; k++) {
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + Math.floor(rng.next() * (k % 2 ? 4 : 16));
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      assert.equal(await railed(chunks), whole, `chunking ${k} of ${JSON.stringify(text)}`);
    }
  }
});

test("the hold-back is the open tail only: PII and secrets hold back prose's last word", () => {
  const pii = new Guardrails(
    parsePolicy("rails:\n  - {name: r, stage: output, detectors: [pii, secrets], action: redact}\n"),
  ).select({ policies: [] });
  const rail = new OutputRail(pii.on("answer"), "answer", undefined);
  assert.equal(
    rail.push("The meeting is on Monday. Bring the slides and"),
    "The meeting is on Monday. Bring the slides ",
  );
  assert.equal(rail.push(" write to ana"), "and write to ");
  assert.equal(rail.push(" [at] example (dot) com today"), "[REDACTED:email] ");
  // phrase lists and profanity read across spaces: they hold back at most their longest match
  const words = new OutputRail(rails.on("answer"), "answer", undefined);
  const text = "The meeting is on Monday. Bring the slides and the notes from last week, please.";
  assert.ok(words.push(text).length >= text.length - 64);
});

test("a blocking rail releases nothing of a secret it blocks, however the secret is chunked", async () => {
  const guard = new Guardrails(
    parsePolicy(
      "rails:\n  - {name: no-secrets, stage: output, detectors: [secrets], action: block, message: no keys here}\n",
    ),
  );
  const text = "Sure, the key is AKIAIOSFODNN7EXAMPLE and the region is us-east-1.";
  for (let size = 1; size <= 8; size++) {
    const rail = new OutputRail(guard.select({ policies: [] }).on("answer"), "answer", undefined);
    let out = "";
    for (let at = 0; at < text.length; at += size) out += rail.push(text.slice(at, at + size));
    out += await rail.finish();
    assert.equal(rail.blocked?.message, "no keys here");
    assert.equal(rail.blocked?.rail, "no-secrets");
    assert.ok(!out.includes("AKIA"), JSON.stringify(out));
    assert.ok(out.startsWith("Sure, the key is"), JSON.stringify(out));
  }
});

test("a judged output rail holds the text until the judge has read all of it", async () => {
  const guard = new Guardrails(
    parsePolicy(`
judge:
  categories: [{name: violence, description: threats}]
rails:
  - {name: judged, stage: output, sources: [answer], detectors: [judge], action: block}
`),
    async (text) => ({ safe: !text.includes("attack"), category: "violence", rationale: "threat" }),
  );
  const set = guard.select({ policies: [] });
  const safe = new OutputRail(set.on("answer"), "answer", set.judge);
  assert.equal(safe.push("all calm here"), "");
  assert.equal(await safe.finish(), "all calm here");
  const unsafe = new OutputRail(set.on("answer"), "answer", set.judge);
  assert.equal(unsafe.push("we attack at dawn"), "");
  assert.equal(await unsafe.finish(), "");
  assert.equal(unsafe.blocked?.rail, "judged");
  assert.deepEqual(unsafe.findings[0].categories, ["violence"]);
});
