import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { type LlamaError, loadLlama } from "../../src/llama/index.js";
import { writeTinyQwen3 } from "./tiny-qwen3.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rio-llama-tok-"));
const file = path.join(dir, "tiny.gguf");
const { ids, tokens } = writeTinyQwen3(file);
const model = loadLlama().loadModel(file);
after(() => {
  model.free();
  rmSync(dir, { recursive: true, force: true });
});

/** The tiny vocabulary's byte tokens have id = byte value; "hell" is one merged token. */
const bytes = (s: string) => [...Buffer.from(s, "utf8")];

test("parseSpecial turns special-token text into its id", () => {
  const got = model.tokenize("<|im_start|>hello<|im_end|>", { addSpecial: false, parseSpecial: true });
  assert.deepEqual(got, [ids["<|im_start|>"], tokens.indexOf("hell"), ...bytes("o"), ids["<|im_end|>"]]);
});

test("without parseSpecial the special-token text stays plain text", () => {
  const got = model.tokenize("<|im_start|>", { addSpecial: false, parseSpecial: false });
  assert.deepEqual(got, bytes("<|im_start|>"));
  assert.ok(!got.includes(ids["<|im_start|>"]));
});

test("addSpecial adds nothing for a Qwen-style vocabulary without BOS", () => {
  assert.deepEqual(model.tokenize("o", { addSpecial: true, parseSpecial: false }), bytes("o"));
});

test("long inputs mixing special tokens and multi-byte characters", () => {
  const text = "<think>".repeat(50) + "€".repeat(100);
  const got = model.tokenize(text, { addSpecial: false, parseSpecial: true });
  assert.deepEqual(got, [...Array(50).fill(ids["<think>"]), ...bytes("€".repeat(100))]);
});

test("tokenToPiece returns raw bytes, special tokens as their text", () => {
  assert.equal(Buffer.from(model.tokenToPiece(ids["</think>"])).toString(), "</think>");
  assert.equal(model.tokenToPiece(ids["</think>"], { special: false }).length, 0);
  assert.deepEqual([...model.tokenToPiece(0xe2)], [0xe2], "a lone UTF-8 lead byte stays a byte");
  assert.throws(
    () => model.tokenToPiece(-1),
    (e: LlamaError) => e.code === "invalid-argument",
  );
});
