/**
 * @module `tokenizer.ggml.pre` from the tokenizer itself. llama.cpp's converter names the pre-tokenizer
 * by what the tokenizer does (a hash of its output on a test text), not by architecture: a Qwen3.5
 * checkpoint with Qwen3's tokenizer splits text as `qwen2`, the released Qwen3.5 tokenizer (letters
 * joined with combining marks, \p{M}) as `qwen35`. Rio compares the Split regex of tokenizer.json with
 * the original regexes quoted in llama-vocab.cpp.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const KNOWN: Record<string, string> = {
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+":
    "qwen2",
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+":
    "qwen35",
};

interface PreTokenizer {
  type?: string;
  pattern?: { Regex?: string };
  pretokenizers?: PreTokenizer[];
}

function splitRegexes(pre: PreTokenizer | undefined): string[] {
  if (!pre) return [];
  const own = pre.type === "Split" && typeof pre.pattern?.Regex === "string" ? [pre.pattern.Regex] : [];
  return [...own, ...(pre.pretokenizers ?? []).flatMap(splitRegexes)];
}

/**
 * The llama.cpp pre-tokenizer name of `dir/tokenizer.json`, or `fallback` (the architecture's usual
 * one) when its split regex is not one Rio knows (tokenizer-metadata.ts reports a missing file).
 */
export function preTokenizerName(dir: string, fallback: string): string {
  let json: { pre_tokenizer?: PreTokenizer };
  try {
    json = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
  } catch {
    return fallback;
  }
  for (const regex of splitRegexes(json.pre_tokenizer)) if (KNOWN[regex]) return KNOWN[regex];
  return fallback;
}
