/** llama.cpp's grammar sampler through Rio's binding, on the tiny byte-level vocabulary (byte b = id b). */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { LlamaError, loadLlama } from "../../src/llama/index.js";
import { TINY, writeTinyQwen3 } from "./tiny-qwen3.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rio-llama-grammar-"));
const file = path.join(dir, "tiny.gguf");
writeTinyQwen3(file);
const model = loadLlama().loadModel(file);
after(() => {
  model.free();
  rmSync(dir, { recursive: true, force: true });
});

const byte = (c: string) => c.charCodeAt(0);
/** The ids the grammar leaves finite in a row of zeros. */
const allowed = (mask: Float32Array) =>
  [...mask.keys()].filter((id) => mask[id] !== Number.NEGATIVE_INFINITY);

test("a grammar allows exactly the tokens that continue it, then only end-of-generation", () => {
  const grammar = model.grammar('root ::= "yes" | "no"');
  try {
    assert.ok(grammar.allows(byte("y")) && grammar.allows(byte("n")));
    assert.ok(!grammar.allows(byte("m")));
    assert.deepEqual(allowed(grammar.mask(new Float32Array(TINY.vocab))), [byte("n"), byte("y")]);
    grammar.accept(byte("y"));
    grammar.accept(byte("e"));
    assert.deepEqual(allowed(grammar.mask(new Float32Array(TINY.vocab))), [byte("s")]);
    grammar.accept(byte("s"));
    const end = allowed(grammar.mask(new Float32Array(TINY.vocab)));
    assert.ok(end.length > 0 && end.every((id) => id >= 256), `after "yes": ${end}`);
    // the mask keeps the logits of allowed tokens as they were
    const row = Float32Array.from({ length: TINY.vocab }, (_, i) => i / 7);
    const masked = grammar.mask(row);
    for (const id of end) assert.equal(masked[id], row[id]);
  } finally {
    grammar.free();
  }
});

test("a token outside the grammar, a grammar that does not parse and a freed grammar are errors, not aborts", () => {
  const grammar = model.grammar('root ::= "yes"');
  assert.throws(() => grammar.accept(byte("n")), LlamaError);
  grammar.free();
  assert.throws(() => grammar.allows(byte("y")), /freed/);
  assert.throws(() => model.grammar("root ::= (unclosed"), /does not parse/);
  assert.throws(() => model.grammar('main ::= "x"'), /no rule "root"/);
});
