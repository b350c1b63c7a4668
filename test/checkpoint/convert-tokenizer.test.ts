import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CheckpointError,
  type TextConfig,
  TokenType,
  tokenizerMetadata,
} from "../../src/checkpoint/index.js";

const root = mkdtempSync(join(tmpdir(), "rio-tok-"));
after(() => rmSync(root, { recursive: true, force: true }));

const config = { vocab_size: 8, bos_token_id: 5, eos_token_id: 6 } as TextConfig;
let count = 0;
/** A folder holding the given files (objects are written as JSON). */
function folder(files: Record<string, unknown>): string {
  const dir = join(root, String(count++));
  mkdirSync(dir);
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof body === "string" ? body : JSON.stringify(body));
  }
  return dir;
}
const tokenizer = (extra: object = {}) => ({
  model: { type: "BPE", vocab: { a: 0, b: 1, ab: 2, Ġ: 3 }, merges: ["a b"] },
  added_tokens: [
    { id: 4, content: "<|x|>", special: false },
    { id: 5, content: "<s>", special: true },
    { id: 6, content: "▁user", special: false },
  ],
  ...extra,
});
const asMap = (dir: string, cfg = config) =>
  new Map(tokenizerMetadata(dir, cfg, "qwen2").map((kv) => [kv.key, kv.value.value]));

describe("tokenizerMetadata", () => {
  it("types tokens like llama.cpp and pads missing ids", () => {
    const m = asMap(folder({ "tokenizer.json": tokenizer() }));
    assert.deepEqual(m.get("tokenizer.ggml.tokens"), [
      "a",
      "b",
      "ab",
      "Ġ",
      "<|x|>",
      "<s>",
      " user",
      "[PAD7]",
    ]);
    const { NORMAL: N, CONTROL: C, USER_DEFINED: U, UNUSED } = TokenType;
    assert.deepEqual(m.get("tokenizer.ggml.token_type"), [N, N, N, N, C, C, U, UNUSED]);
    assert.deepEqual(m.get("tokenizer.ggml.merges"), ["a b"]);
    // no tokenizer_config: ids come from config.json, add_bos defaults to false, no template
    assert.equal(m.get("tokenizer.ggml.bos_token_id"), 5);
    assert.equal(m.get("tokenizer.ggml.eos_token_id"), 6);
    assert.equal(m.get("tokenizer.ggml.add_bos_token"), false);
    assert.equal(m.has("tokenizer.chat_template"), false);
  });

  it("encodes spaces in pair-form merges as U+0120", () => {
    const tok = tokenizer();
    tok.model.merges = [["a b", "c"]] as unknown as string[];
    assert.deepEqual(asMap(folder({ "tokenizer.json": tok })).get("tokenizer.ggml.merges"), ["aĠb c"]);
  });

  it("prefers tokenizer_config special tokens and template, then chat_template.jinja", () => {
    const withConfig = folder({
      "tokenizer.json": tokenizer(),
      "tokenizer_config.json": {
        eos_token: "<|x|>",
        pad_token: { content: "<s>" },
        chat_template: "T1",
        add_eos_token: true,
      },
      "chat_template.jinja": "T2",
    });
    const m = asMap(withConfig);
    assert.equal(m.get("tokenizer.ggml.eos_token_id"), 4);
    assert.equal(m.get("tokenizer.ggml.padding_token_id"), 5);
    assert.equal(m.get("tokenizer.ggml.add_eos_token"), true);
    assert.equal(m.get("tokenizer.chat_template"), "T1");
    const jinjaOnly = folder({
      "tokenizer.json": tokenizer(),
      "tokenizer_config.json": {},
      "chat_template.jinja": "T2",
    });
    assert.equal(asMap(jinjaOnly).get("tokenizer.chat_template"), "T2");
  });

  it("rejects missing, non-BPE and oversized tokenizers with the file named", () => {
    const is = (pattern: RegExp) => (e: unknown) => e instanceof CheckpointError && pattern.test(e.message);
    assert.throws(() => asMap(folder({})), is(/tokenizer\.json: missing/));
    assert.throws(
      () => asMap(folder({ "tokenizer.json": { model: { type: "Unigram" } } })),
      is(/only "BPE"/),
    );
    assert.throws(
      () => asMap(folder({ "tokenizer.json": tokenizer() }), { ...config, vocab_size: 6 }),
      is(/" user" has id 6, outside the model.s vocab_size 6/),
    );
  });
});
