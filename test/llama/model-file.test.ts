import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { type LlamaError, loadLlama, validateGguf } from "../../src/llama/index.js";
import { writeTinyQwen3 } from "./tiny-qwen3.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "rio-llama-files-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const rejects = (file: string, code: string, text: string) =>
  assert.throws(
    () => loadLlama().loadModel(file),
    (e: LlamaError) => e.code === code && e.file === file && e.message.includes(text),
  );

test("a missing file is refused before llama.cpp sees it", () => {
  rejects(path.join(dir, "absent.gguf"), "bad-model-file", "does not exist");
});

test("a file that is not GGUF is refused", () => {
  const file = path.join(dir, "not.gguf");
  writeFileSync(file, "this is not a model, just some text that is long enough");
  rejects(file, "bad-model-file", 'expected magic "GGUF"');
});

test("a truncated GGUF header is refused", () => {
  const full = path.join(dir, "full.gguf");
  writeTinyQwen3(full);
  const file = path.join(dir, "truncated.gguf");
  const bytes = Buffer.alloc(100);
  const fd = openSync(full, "r");
  readSync(fd, bytes, 0, 100, 0);
  closeSync(fd);
  writeFileSync(file, bytes);
  rejects(file, "bad-model-file", "truncated");
});

test("an architecture Rio does not run is refused", () => {
  const file = path.join(dir, "llama-arch.gguf");
  writeTinyQwen3(file, { architecture: "llama" });
  rejects(file, "unsupported-architecture", 'general.architecture is "llama"');
});

test("a GGUF without general.architecture is refused", () => {
  const file = path.join(dir, "no-arch.gguf");
  writeTinyQwen3(file, { omit: ["general.architecture"] });
  rejects(file, "bad-model-file", "lacks general.architecture");
});

test("a GGUF missing a hyper-parameter that makes llama.cpp abort is refused", () => {
  const file = path.join(dir, "no-ffn.gguf");
  writeTinyQwen3(file, { omit: ["qwen3.feed_forward_length"] });
  rejects(file, "bad-model-file", "lacks qwen3.feed_forward_length");
});

test("a valid tiny qwen3 GGUF passes validation and loads", () => {
  const file = path.join(dir, "ok.gguf");
  writeTinyQwen3(file);
  assert.equal(validateGguf(file), "qwen3");
  const model = loadLlama().loadModel(file);
  assert.equal(model.architecture, "qwen3");
  model.free();
});
