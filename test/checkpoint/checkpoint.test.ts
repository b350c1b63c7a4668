import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { CheckpointError, openCheckpoint, writeSafetensors } from "../../src/checkpoint/index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-ckpt-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const config = {
  model_type: "qwen3",
  vocab_size: 8,
  hidden_size: 4,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  head_dim: 2,
  intermediate_size: 8,
};

const values = (n: number, start: number) => Float32Array.from({ length: n }, (_, i) => start + i * 0.25);

/** A folder with config.json and the tensors split across two shards plus an index. */
function shardedFolder(dtype: "F32" | "F16" | "BF16" = "F32"): string {
  const dir = fs.mkdtempSync(path.join(root, "d"));
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  const shards = {
    "model-00001-of-00002.safetensors": [
      { name: "model.embed_tokens.weight", shape: [8, 4], data: values(32, -4) },
    ],
    "model-00002-of-00002.safetensors": [
      { name: "model.norm.weight", shape: [4], data: values(4, 1) },
      { name: "lm_head.weight", shape: [8, 4], data: values(32, 2) },
    ],
  };
  const weight_map: Record<string, string> = {};
  for (const [shard, tensors] of Object.entries(shards)) {
    writeSafetensors(
      path.join(dir, shard),
      tensors.map((t) => ({ ...t, dtype })),
      { format: "pt" },
    );
    for (const t of tensors) weight_map[t.name] = shard;
  }
  fs.writeFileSync(
    path.join(dir, "model.safetensors.index.json"),
    JSON.stringify({ metadata: {}, weight_map }),
  );
  return dir;
}

function assertFails(fn: () => unknown, pattern: RegExp, field?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CheckpointError, String(err));
    assert.match(err.message, pattern);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  });
}

for (const dtype of ["F32", "F16", "BF16"] as const) {
  test(`sharded folder round trip (${dtype})`, () => {
    const ckpt = openCheckpoint(shardedFolder(dtype));
    assert.equal(ckpt.config.hidden_size, 4);
    assert.deepEqual(ckpt.tensorNames().sort(), [
      "lm_head.weight",
      "model.embed_tokens.weight",
      "model.norm.weight",
    ]);
    assert.deepEqual(ckpt.info("lm_head.weight"), { name: "lm_head.weight", dtype, shape: [8, 4] });
    // quarter steps in [-4, 10] are exact in all three dtypes
    assert.deepEqual(ckpt.readFloat32("model.embed_tokens.weight"), values(32, -4));
    assert.deepEqual(ckpt.readFloat32("lm_head.weight"), values(32, 2));
    const raw = ckpt.readRaw("model.norm.weight");
    assert.equal(raw.bytes.byteLength, dtype === "F32" ? 16 : 8);
    ckpt.close();
  });
}

test("single model.safetensors folder; multimodal text prefix is canonicalised", () => {
  const dir = fs.mkdtempSync(path.join(root, "d"));
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  writeSafetensors(path.join(dir, "model.safetensors"), [
    { name: "model.language_model.norm.weight", dtype: "F32", shape: [4], data: values(4, 0) },
    { name: "lm_head.weight", dtype: "F32", shape: [1], data: values(1, 0) },
  ]);
  const ckpt = openCheckpoint(dir);
  assert.deepEqual(ckpt.tensorNames(), ["model.norm.weight", "lm_head.weight"]);
  assert.deepEqual(
    ckpt.readFloat32("model.language_model.norm.weight"),
    values(4, 0),
    "stored name accepted too",
  );
  assert.equal(ckpt.info("model.language_model.norm.weight").name, "model.norm.weight");
  ckpt.close();
});

test("unknown tensor name", () => {
  const ckpt = openCheckpoint(shardedFolder());
  assertFails(
    () => ckpt.readFloat32("model.layers.0.mlp.up_proj.weight"),
    /no tensor named "model.layers.0.mlp.up_proj.weight"/,
    "model.layers.0.mlp.up_proj.weight",
  );
  assertFails(() => ckpt.info("nope"), /no tensor named "nope"/, "nope");
  ckpt.close();
});

test("a shard named in the index but missing", () => {
  const dir = shardedFolder();
  fs.rmSync(path.join(dir, "model-00002-of-00002.safetensors"));
  assertFails(
    () => openCheckpoint(dir),
    /model.safetensors.index.json: shard "model-00002-of-00002.safetensors" \(holding "model.norm.weight"\) does not exist/,
    "model.norm.weight",
  );
});

test("index placing a tensor in the wrong shard, and a malformed index", () => {
  const dir = shardedFolder();
  const indexFile = path.join(dir, "model.safetensors.index.json");
  const index = JSON.parse(fs.readFileSync(indexFile, "utf8"));
  index.weight_map["model.norm.weight"] = "model-00001-of-00002.safetensors";
  fs.writeFileSync(indexFile, JSON.stringify(index));
  assertFails(
    () => openCheckpoint(dir),
    /model-00001-of-00002.safetensors: no tensor "model.norm.weight"/,
    "model.norm.weight",
  );
  fs.writeFileSync(indexFile, JSON.stringify({ weight_map: [] }));
  assertFails(() => openCheckpoint(dir), /field "weight_map": expected an object/, "weight_map");
  fs.writeFileSync(indexFile, JSON.stringify({ weight_map: { a: "../x.safetensors" } }));
  assertFails(
    () => openCheckpoint(dir),
    /field "weight_map.a": expected a shard file name in this folder/,
    "weight_map.a",
  );
});

test("a folder without safetensors files, and a bad shard inside a folder", () => {
  const dir = fs.mkdtempSync(path.join(root, "d"));
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  assertFails(() => openCheckpoint(dir), /no .safetensors file and no model.safetensors.index.json/);
  fs.writeFileSync(path.join(dir, "model.safetensors"), Buffer.from([1]));
  assertFails(() => openCheckpoint(dir), /model.safetensors: truncated file/);
});
