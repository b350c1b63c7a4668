// The byte-level BPE trainer: merges by frequency, digits never merged (Qwen2's split), required entries,
// and Qwen3-shaped files that Rio's tokenizer loads and round-trips, with the added tokens in their roles.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { qwen3TokenizerFiles, RioTokenizer, trainBpe } from "../../src/tokenizer/index.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rio-bpe-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const corpus = Array.from(
  { length: 50 },
  (_, i) => `Ones: ${i} + ${i * 7} = ${i * 8}, write it. Dezenas: vai 1.`,
);

test("merges follow pair frequency, digits stay single tokens, required entries are formed first", () => {
  const vocab = trainBpe(corpus, { vocabSize: 270, required: ["\\n"] });
  assert.equal(vocab.tokens.length, 270);
  assert.deepEqual(vocab.merges[0], ["\\", "n"]);
  assert.ok(vocab.tokens.includes("\\n"));
  assert.ok(
    vocab.tokens.includes("ĠOnes") || vocab.tokens.includes("Ones"),
    "a frequent word becomes one token",
  );
  assert.ok(!vocab.tokens.some((t) => /\d\d/.test(t)), "no token holds two digits");
  assert.deepEqual(
    trainBpe(corpus, { vocabSize: 320 }),
    trainBpe(corpus, { vocabSize: 320 }),
    "deterministic",
  );
});

test("the Qwen3-shaped files load in Rio's tokenizer, round-trip text and keep the added tokens apart", () => {
  const files = qwen3TokenizerFiles(trainBpe(corpus, { vocabSize: 270, required: ["\\n"] }));
  writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(files.tokenizerJson));
  writeFileSync(path.join(dir, "tokenizer_config.json"), JSON.stringify(files.tokenizerConfig));
  const tok = RioTokenizer.fromDir(dir);
  assert.equal(files.vocabSize, 296);
  assert.equal(tok.tokenToId("<think>"), files.ids.thinkStart);
  assert.equal(tok.tokenToId("<|im_end|>"), files.ids.imEnd);
  for (const text of ["Ones: 17 + 25 = 42.", "Olá, coração 👩🏽‍💻", "tabs\tand\n\nlines"])
    assert.equal(tok.decode(tok.encode(text)), text);
  assert.ok(!tok.encode("<think>").includes(files.ids.thinkStart), "user text never becomes an added token");
  const chat = tok.encodeChat([{ role: "user", content: "2+2?" }], { addGenerationPrompt: true });
  assert.equal(chat[0], files.ids.imStart);
});
