/**
 * @module `tokenizer.ggml.pre` from the tokenizer itself. llama.cpp's converter names the pre-tokenizer
 * by what the tokenizer does (a hash of its output on a test text), not by architecture: a Qwen3.5
 * checkpoint with Qwen3's tokenizer splits text as `qwen2`, the released Qwen3.5 tokenizer (letters
 * joined with combining marks, \p{M}) as `qwen35`. Rio compares the Split regex of tokenizer.json with
 * the original regexes quoted in llama-vocab.cpp.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Split regex of tokenizer.json per llama.cpp pre-tokenizer name (the originals quoted in llama-vocab.cpp). */
export const PRE_TOKENIZER_PATTERNS: Readonly<Record<string, string>> = {
  qwen2:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  qwen35:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

/**
 * The llama.cpp pre-tokenizer name of `dir/tokenizer.json`, or `fallback` (the architecture's usual
 * one) when it holds none of the regexes Rio knows (tokenizer-metadata.ts reports a missing file).
 * The regex is looked for as the JSON string tokenizer.json stores, without parsing the whole file.
 */
export function preTokenizerName(dir: string, fallback: string): string {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8");
  } catch {
    return fallback;
  }
  for (const [name, regex] of Object.entries(PRE_TOKENIZER_PATTERNS))
    if (text.includes(JSON.stringify(regex))) return name;
  return fallback;
}
