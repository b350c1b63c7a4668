import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CheckpointError,
  defaultGgufCacheDir,
  ensureGguf,
  GgufError,
  makeTinyModel,
  readGguf,
} from "../../src/checkpoint/index.js";

const dir = mkdtempSync(join(tmpdir(), "rio-ensure-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("ensureGguf", () => {
  const model = join(dir, "tiny");
  const cacheDir = join(dir, "cache");
  makeTinyModel({ arch: "qwen3", out: model, seed: 7 });

  it("converts a folder once into the cache, then reuses it", () => {
    let calls = 0;
    const first = ensureGguf(model, { quant: "q8_0", cacheDir, onProgress: () => calls++ });
    assert.ok(first.startsWith(cacheDir) && first.endsWith(".gguf"));
    assert.ok(calls > 0);
    assert.equal(readGguf(first).metadata.get("general.file_type")?.value, 7);
    const mtime = statSync(first).mtimeMs;
    calls = 0;
    assert.equal(ensureGguf(model, { quant: "q8_0", cacheDir, onProgress: () => calls++ }), first);
    assert.equal(calls, 0);
    assert.equal(statSync(first).mtimeMs, mtime);
    assert.deepEqual(
      readdirSync(cacheDir).filter((f) => f.includes(".tmp-")),
      [],
      "no temporary files left",
    );
  });

  it("keys the cache by quantisation and by file contents", () => {
    const q8 = ensureGguf(model, { quant: "q8_0", cacheDir });
    const f16 = ensureGguf(model, { quant: "f16", cacheDir });
    assert.notEqual(q8, f16);
    appendFileSync(join(model, "tokenizer_config.json"), "\n");
    assert.notEqual(ensureGguf(model, { quant: "q8_0", cacheDir }), q8);
  });

  it("returns a GGUF file as is, after validating it", () => {
    const file = ensureGguf(model, { quant: "f16", cacheDir });
    assert.equal(ensureGguf(file, { quant: "q4_0", cacheDir }), file);
    assert.throws(() => ensureGguf(join(model, "config.json"), { quant: "f16", cacheDir }), GgufError);
    assert.throws(() => ensureGguf(join(dir, "missing"), { quant: "f16", cacheDir }), CheckpointError);
  });

  it("defaults the cache to $RIO_CACHE_DIR", () => {
    const saved = process.env.RIO_CACHE_DIR;
    process.env.RIO_CACHE_DIR = join(dir, "env-cache");
    try {
      assert.equal(defaultGgufCacheDir(), join(dir, "env-cache"));
    } finally {
      if (saved === undefined) delete process.env.RIO_CACHE_DIR;
      else process.env.RIO_CACHE_DIR = saved;
    }
  });
});
