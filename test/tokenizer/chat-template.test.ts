import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Command } from "commander";
import { register } from "../../src/cli/commands/render.js";
import { type ChatMessage, type ChatOptions, RioTokenizer } from "../../src/tokenizer/index.js";
import { QWEN3_DIR, qwen3 } from "./qwen3-files.js";

/** Golden cases rendered by scripts/render-reference-jinja2.py with Python's Jinja2. */
const FIXTURES = join(process.cwd(), "test/fixtures/chat");

interface Case {
  messages: ChatMessage[];
  tools?: object[];
  add_generation_prompt?: boolean;
  enable_thinking?: boolean;
}

const cases = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({
    name: f.slice(0, -".json".length),
    input: JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as Case,
    expected: readFileSync(join(FIXTURES, f.replace(/\.json$/, ".txt")), "utf8"),
  }));

function options(c: Case): ChatOptions {
  return {
    tools: c.tools,
    addGenerationPrompt: c.add_generation_prompt ?? true,
    enableThinking: c.enable_thinking,
  };
}

/** Runs `rio render` through commander with stdout captured. */
async function runRender(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "rio", "render", ...args]);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test("fixtures cover the required conversation shapes", () => {
  assert.ok(cases.length >= 10, `only ${cases.length} fixtures`);
});

for (const c of cases) {
  test(`renderChat matches Jinja2 byte for byte: ${c.name}`, () => {
    assert.equal(qwen3().renderChat(c.input.messages, options(c.input)), c.expected);
  });
}

/**
 * A second template (test/fixtures/chat-constructs) exercising Jinja constructs where @huggingface/jinja and
 * Jinja2 differ (strip(chars), |string, tojson options, |length of astral text), rendered for the same cases.
 */
const CONSTRUCTS = join(process.cwd(), "test/fixtures/chat-constructs");

test("a template full of Python-sensitive constructs matches Jinja2 on every case", () => {
  const tokenizerJson = JSON.parse(readFileSync(join(QWEN3_DIR, "tokenizer.json"), "utf8"));
  const config = JSON.parse(readFileSync(join(CONSTRUCTS, "tokenizer_config.json"), "utf8"));
  const template = readFileSync(join(CONSTRUCTS, "chat_template.jinja"), "utf8");
  const tok = RioTokenizer.fromJson(tokenizerJson, config, template);
  for (const c of cases) {
    const expected = readFileSync(join(CONSTRUCTS, "expected", `${c.name}.txt`), "utf8");
    assert.equal(tok.renderChat(c.input.messages, options(c.input)), expected, c.name);
  }
});

/** Each CLI run loads the tokenizer (~3 s), so the CLI is checked on a few fixtures covering its flags. */
const CLI_CASES = new Set(["tool-calls", "thinking-off", "no-generation-prompt"]);

test("rio render prints exactly the Jinja2 text, and --ids the encodeChat ids", async () => {
  const dir = mkdtempSync(join(tmpdir(), "rio-render-"));
  for (const c of cases.filter((x) => CLI_CASES.has(x.name))) {
    const messagesFile = join(dir, `${c.name}.messages.json`);
    writeFileSync(messagesFile, JSON.stringify(c.input.messages));
    const args = ["--model", QWEN3_DIR, "--messages", messagesFile];
    if (c.input.tools) {
      const toolsFile = join(dir, `${c.name}.tools.json`);
      writeFileSync(toolsFile, JSON.stringify(c.input.tools));
      args.push("--tools", toolsFile);
    }
    if (c.input.enable_thinking === false) args.push("--no-thinking");
    if (c.input.add_generation_prompt === false) args.push("--no-generation-prompt");
    assert.equal(await runRender(args), c.expected, c.name);
  }
  const c = cases.find((x) => x.name === "tool-calls");
  assert.ok(c);
  const ids = JSON.parse(
    await runRender([
      "--model",
      QWEN3_DIR,
      "--messages",
      join(dir, "tool-calls.messages.json"),
      "--tools",
      join(dir, "tool-calls.tools.json"),
      "--ids",
    ]),
  );
  assert.deepEqual(ids, qwen3().encodeChat(c.input.messages, options(c.input)));
});
