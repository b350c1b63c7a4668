import assert from "node:assert/strict";
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  CheckpointError,
  defaultGgufCacheDir,
  ensureGguf,
  ensureModelGguf,
  GgufError,
  ggufMetadataValue,
  makeTinyModel,
  mmprojPathFor,
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

describe("ensureModelGguf", () => {
  const cacheDir = join(dir, "vision-cache");
  const vision = join(dir, "tiny-vision");
  makeTinyModel({ arch: "qwen3_5", out: vision, seed: 3, vision: true });

  it("converts and caches the vision tower beside the text model", () => {
    const first = ensureModelGguf(vision, { quant: "q8_0", cacheDir });
    assert.ok(first.mmproj?.startsWith(cacheDir));
    assert.equal(ggufMetadataValue(readGguf(first.gguf), "general.architecture"), "qwen35");
    const mmproj = readGguf(first.mmproj as string);
    assert.equal(ggufMetadataValue(mmproj, "clip.projector_type"), "qwen3vl_merger");
    assert.equal(ggufMetadataValue(mmproj, "general.file_type"), 1, "f16 for a quantised text model");
    const mtime = statSync(first.mmproj as string).mtimeMs;
    assert.deepEqual(ensureModelGguf(vision, { quant: "q8_0", cacheDir }), first);
    assert.equal(statSync(first.mmproj as string).mtimeMs, mtime, "reused, not rewritten");
    assert.equal(ensureGguf(vision, { quant: "q8_0", cacheDir }), first.gguf);
    const f32 = ensureModelGguf(vision, { quant: "f32", cacheDir });
    assert.equal(ggufMetadataValue(readGguf(f32.mmproj as string), "general.file_type"), 0);
  });

  it("rebuilds the mmproj alone when only the processor config changes", () => {
    const before = ensureModelGguf(vision, { quant: "q8_0", cacheDir });
    appendFileSync(join(vision, "preprocessor_config.json"), "\n");
    const after = ensureModelGguf(vision, { quant: "q8_0", cacheDir });
    assert.equal(after.gguf, before.gguf);
    assert.notEqual(after.mmproj, before.mmproj);
  });

  it("has no mmproj for text-only models or when asked not to convert it", () => {
    assert.equal(ensureModelGguf(join(dir, "tiny"), { quant: "q8_0", cacheDir }).mmproj, undefined);
    const text = join(dir, "tiny-35");
    makeTinyModel({ arch: "qwen3_5", out: text, seed: 3 });
    assert.equal(ensureModelGguf(text, { quant: "q8_0", cacheDir }).mmproj, undefined);
    assert.equal(ensureModelGguf(vision, { quant: "f16", cacheDir, mmproj: false }).mmproj, undefined);
  });

  it("finds x.mmproj.gguf beside a GGUF file x.gguf", () => {
    const { gguf, mmproj } = ensureModelGguf(vision, { quant: "q8_0", cacheDir });
    const file = join(dir, "copied.gguf");
    copyFileSync(gguf, file);
    assert.deepEqual(ensureModelGguf(file, { quant: "q8_0", cacheDir }), { gguf: file });
    copyFileSync(mmproj as string, mmprojPathFor(file));
    assert.ok(existsSync(join(dir, "copied.mmproj.gguf")));
    assert.deepEqual(ensureModelGguf(file, { quant: "q8_0", cacheDir }), {
      gguf: file,
      mmproj: join(dir, "copied.mmproj.gguf"),
    });
  });
});
