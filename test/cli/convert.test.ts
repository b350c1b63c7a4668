import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { Command } from "commander";
import { ggufMetadataValue, makeTinyModel, readGguf } from "../../src/checkpoint/index.js";
import { register } from "../../src/cli/commands/convert.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-cli-convert-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function run(args: string[]): Promise<Command> {
  const program = new Command().exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program);
  return program.parseAsync(["node", "rio", "convert", ...args]);
}

test("rio convert writes the mmproj of a checkpoint with a vision tower next to the text GGUF", async (t) => {
  const model = path.join(root, "tiny-vision");
  makeTinyModel({ arch: "qwen3_5", out: model, seed: 1, vision: true });
  const out = path.join(root, "tiny-f16.gguf");
  const writes: string[] = [];
  t.mock.method(process.stdout, "write", (chunk: string) => writes.push(chunk) > 0);
  await run(["--model", model, "--to", "gguf", "--out", out, "--quant", "f16"]);
  const mmproj = path.join(root, "tiny-f16.mmproj.gguf");
  assert.equal(ggufMetadataValue(readGguf(out), "general.architecture"), "qwen35");
  assert.equal(ggufMetadataValue(readGguf(mmproj), "general.architecture"), "clip");
  assert.equal(ggufMetadataValue(readGguf(mmproj), "general.file_type"), 1);
  assert.ok(writes.some((w) => w.includes(`wrote ${mmproj} (mmproj, f16)`)));

  const plain = path.join(root, "plain.gguf");
  await run(["--model", model, "--to", "gguf", "--out", plain, "--quant", "f32", "--no-mmproj"]);
  assert.ok(fs.existsSync(plain));
  assert.ok(!fs.existsSync(path.join(root, "plain.mmproj.gguf")));
});
