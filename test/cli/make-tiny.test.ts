import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { Command } from "commander";
import { loadTextConfig } from "../../src/checkpoint/index.js";
import { register } from "../../src/cli/commands/make-tiny.js";

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
