/**
 * llama.cpp's K-quant presets: a checkpoint converted through llama.cpp's quantiser loads, its embedding
 * rows (types Rio does not decode itself) come from ggml's own dequantiser, and feeding a row gives
 * exactly the logits of its token id. Rio's own Q8_0/Q4_0 dequantisers are checked bit for bit against
 * ggml's. The checkpoint is 256 wide: K-quant blocks span 256 values, and llama.cpp falls back to other
 * types for narrower tensors.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  convertToGguf,
  dequantiseRow,
  type GgmlType,
  ggmlByteSize,
  ggmlTypeName,
  makeTinyModel,
  readGguf,
} from "../../src/checkpoint/index.js";
import { createEngine, loadModel, type RioModel } from "../../src/engine/index.js";
import { type LlamaQuant, loadLlama } from "../../src/llama/index.js";
import { tokenVsEmbedding } from "../conformance/checks.js";
import { conformancePrompt } from "../conformance/harness.js";

const SHAPE = {
  hidden_size: 256,
  intermediate_size: 512,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 64,
  tie_word_embeddings: false,
};

let root: string;
let dir: string;

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-k-quant-"));
  dir = path.join(root, "hf");
  makeTinyModel({ arch: "qwen3", out: dir, seed: 5, overrides: SHAPE });
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const typeOf = (model: RioModel, name: string) =>
  ggmlTypeName(model.gguf.tensors.find((t) => t.name === name)?.type ?? -1);

/** Q4_K_M through loadModel's conversion cache; Q6_K through `rio convert`, then loaded as a GGUF file. */
function loadQuantised(quant: LlamaQuant): RioModel {
  if (quant === "q4_k_m") return loadModel(dir, { quant });
  const file = path.join(root, `${quant}.gguf`);
  const cli = spawnSync(
    process.execPath,
    ["bin/rio.js", "convert", "--model", dir, "--to", "gguf", "--out", file, "--quant", quant],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`wrote .*\\(${quant}\\)`));
  return loadModel(file);
}

describe("llama.cpp K-quant presets", () => {
  for (const [quant, matrix, embedding] of [
    ["q4_k_m", "Q4_K", "Q4_K"],
    ["q6_k", "Q6_K", "Q6_K"],
  ] as [LlamaQuant, string, string][])
    test(`${quant}: llama.cpp's tensor types; an embedding row fed as input gives its token's logits`, async () => {
      const model = loadQuantised(quant);
      try {
        assert.equal(typeOf(model, "blk.0.attn_q.weight"), matrix);
        assert.equal(typeOf(model, "token_embd.weight"), embedding);
        assert.equal(typeOf(model, "output.weight"), "Q6_K");
        assert.equal(typeOf(model, "blk.0.attn_norm.weight"), "F32");
        // exact comparison: no prefix cache, so both runs compute every position in the same cells
        const engine = createEngine(model, {
          ctx: 1024,
          kvType: "f32",
          flashAttention: false,
          prefixCache: false,
        });
        try {
          assert.equal(await tokenVsEmbedding(model, engine, conformancePrompt(model)), 0);
        } finally {
          engine.close();
        }
        // the soft-input mixture of ggml-dequantised rows against a plain float64 sum of the same rows
        const ids = [11, 4242, 90000, 151000];
        const weights = [0.5, 0.25, 0.125, 0.125];
        const mixed = model.embeddings.mix(ids, weights);
        const rows = ids.map((id) => model.embeddings.row(id));
        for (let j = 0; j < SHAPE.hidden_size; j++) {
          const expected = rows.reduce((sum, row, i) => sum + weights[i] * row[j], 0);
          assert.ok(Math.abs(mixed[j] - expected) <= 1e-6 * (1 + Math.abs(expected)), `value ${j}`);
        }
      } finally {
        model.free();
      }
    });
});

test("ggml's row dequantiser agrees bit for bit with Rio's own Q8_0 and Q4_0 dequantisers", () => {
  for (const quant of ["q8_0", "q4_0"] as const) {
    const file = path.join(root, `${quant}.gguf`);
    convertToGguf(dir, file, { quant });
    const gguf = readGguf(file);
    const tensor = gguf.tensors.find((t) => t.name === "token_embd.weight");
    assert.ok(tensor);
    const type = tensor.type as typeof GgmlType.Q8_0 | typeof GgmlType.Q4_0;
    const rowBytes = ggmlByteSize(type, SHAPE.hidden_size);
    const table = Buffer.alloc(rowBytes * 64);
    const fd = fs.openSync(file, "r");
    fs.readSync(fd, table, 0, table.length, gguf.dataOffset + tensor.offset + 1000 * rowBytes);
    fs.closeSync(fd);
    const ggml = loadLlama().rowDequantiser(type);
    for (let row = 0; row < 64; row++) {
      const ours = dequantiseRow(type, table, row, SHAPE.hidden_size, new Float32Array(SHAPE.hidden_size));
      const theirs = ggml(
        table.subarray(row * rowBytes, (row + 1) * rowBytes),
        new Float32Array(SHAPE.hidden_size),
      );
      assert.deepEqual(ours, theirs, `${quant} row ${1000 + row}`);
    }
  }
});

test("a ggml type without a dequantiser, or no ggml type at all, is refused with its name", () => {
  const llama = loadLlama();
  assert.throws(() => llama.rowDequantiser(4), /ggml cannot dequantise type DEPRECATED/);
  assert.throws(() => llama.rowDequantiser(99), /99 is not a ggml type/);
});
