import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { Command } from "commander";
import { loadTextConfig, openCheckpoint } from "../../src/checkpoint/index.js";
import { register } from "../../src/cli/commands/make-tiny.js";
import { RioTokenizer } from "../../src/tokenizer/index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-cli-tiny-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function run(args: string[]): Promise<Command> {
  const program = new Command().exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program);
  return program.parseAsync(["node", "rio", "make-tiny", ...args]);
}

test("rio make-tiny maps its flags onto config.json", async () => {
  const out = fs.mkdtempSync(path.join(root, "d"));
  await run(
    ["--arch", "qwen3_moe", "--out", out, "--seed", "5", "--dtype", "f32", "--layers", "3", "--hidden", "32"]
      .concat([
        "--heads",
        "4",
        "--kv-heads",
        "1",
        "--head-dim",
        "8",
        "--experts",
        "4",
        "--experts-per-token",
        "1",
      ])
      .concat(["--moe-intermediate", "16", "--vocab", "300", "--untied"]),
  );
  const c = loadTextConfig(out);
  assert.deepEqual(
    [
      c.num_hidden_layers,
      c.hidden_size,
      c.num_attention_heads,
      c.num_key_value_heads,
      c.head_dim,
      c.num_experts,
    ],
    [3, 32, 4, 1, 8, 4],
  );
  assert.deepEqual(
    [c.num_experts_per_tok, c.moe_intermediate_size, c.vocab_size, c.tie_word_embeddings],
    [1, 16, 300, false],
  );
});

test("rio make-tiny rejects unknown architectures and bad numbers", async () => {
  await assert.rejects(
    run(["--arch", "llama", "--out", path.join(root, "unused")]),
    /expected one of qwen3, qwen3_moe/,
  );
  await assert.rejects(
    run(["--arch", "qwen3", "--out", path.join(root, "unused"), "--layers", "0"]),
    /expected an integer >= 1/,
  );
});

test("rio make-tiny --train-head trains an untied head on the file's paragraphs; a missing file is named", async () => {
  const out = fs.mkdtempSync(path.join(root, "d"));
  const text = path.join(root, "corpus.txt");
  fs.writeFileSync(text, "The cat sat on the mat.\n\nThe dog sat on the log.\n\n\nx = 1 + 2\n");
  await run(["--arch", "qwen3", "--out", out, "--dtype", "f32", "--train-head", text]);
  assert.equal(loadTextConfig(out).tie_word_embeddings, false);
  const ckpt = openCheckpoint(out);
  try {
    const head = ckpt.readFloat32("lm_head.weight");
    const hidden = loadTextConfig(out).hidden_size;
    const trained = new Set<number>();
    for (let id = 0; id < head.length / hidden; id++)
      if (head.subarray(id * hidden, (id + 1) * hidden).some((v) => v !== 0)) trained.add(id);
    // rows for the tokens that follow another token in the paragraphs, and only those
    const tokenizer = RioTokenizer.fromDir(out);
    const targets = new Set(
      ["The cat sat on the mat.", "The dog sat on the log.", "x = 1 + 2"].flatMap((p) =>
        tokenizer.encode(p).slice(1),
      ),
    );
    assert.deepEqual([...trained].sort(), [...targets].sort());
  } finally {
    ckpt.close();
  }
  await assert.rejects(
    run(["--arch", "qwen3", "--out", out, "--train-head", path.join(root, "missing.txt")]),
    /--train-head .*missing\.txt: cannot read/,
  );
});

test("rio make-tiny --vision adds a vision tower to Qwen3.5 and is refused for other architectures", async () => {
  const out = fs.mkdtempSync(path.join(root, "d"));
  await run(["--arch", "qwen3_5_moe", "--out", out, "--vision", "--vocab", "300"]);
  assert.ok(fs.existsSync(path.join(out, "preprocessor_config.json")));
  const ckpt = openCheckpoint(out);
  try {
    assert.ok(ckpt.tensorNames().includes("model.visual.merger.linear_fc2.weight"));
  } finally {
    ckpt.close();
  }
  await assert.rejects(run(["--arch", "qwen3", "--out", path.join(root, "unused"), "--vision"]), /vision/);
});
