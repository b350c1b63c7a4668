/**
 * @module `tokenizer.*` GGUF metadata for a Hugging Face BPE ("gpt2") tokenizer, decided the way
 * llama.cpp's convert_hf_to_gguf.py does (TextModel.get_vocab_base + gguf-py SpecialVocab), so a GGUF
 * alone is a complete model: vocabulary, token types, merges, special ids and the chat template.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CheckpointError } from "../errors.js";
import type { GgufKv } from "../gguf/index.js";
import type { TextConfig } from "../text-config.js";
import { arr, bool, str, u32 } from "./kv.js";

/** llama_token_type (gguf-py TokenType). */
export const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

interface AddedToken {
  id: number;
  content: string;
  special?: boolean;
}
interface TokenizerJson {
  model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] };
  added_tokens?: AddedToken[];
}
type TokenizerConfig = Record<string, unknown>;

/** Special-token kinds SpecialVocab looks for, and their GGUF keys (note llama.cpp's "seperator" spelling). */
const SPECIAL_KEYS: Record<string, string> = {
  bos: "tokenizer.ggml.bos_token_id",
  eos: "tokenizer.ggml.eos_token_id",
  unk: "tokenizer.ggml.unknown_token_id",
  sep: "tokenizer.ggml.seperator_token_id",
  pad: "tokenizer.ggml.padding_token_id",
  cls: "tokenizer.ggml.cls_token_id",
  mask: "tokenizer.ggml.mask_token_id",
};

function readJson<T>(file: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch (err) {
    throw new CheckpointError(`${file}: cannot read tokenizer file (${(err as Error).message})`, file);
  }
}

/** Added tokens that llama.cpp treats as control tokens even when not marked special (does_token_look_special). */
function looksSpecial(token: string): boolean {
  return (
    ["<pad>", "<mask>", "<2mass>", "[@BOS@]"].includes(token) ||
    (token.startsWith("<|") && token.endsWith("|>")) ||
    (token.startsWith("<｜") && token.endsWith("｜>")) ||
    (token.startsWith("<unused") && token.endsWith(">"))
  );
}

/** tokens + token types, `vocabSize` long: ids absent from the tokenizer become "[PAD<id>]". */
function vocabulary(
  tok: TokenizerJson,
  vocabSize: number,
  file: string,
): { tokens: string[]; types: number[] } {
  const tokens: (string | undefined)[] = new Array(vocabSize);
  const types: number[] = new Array(vocabSize).fill(TokenType.NORMAL);
  const place = (token: string, id: number, type: number) => {
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new CheckpointError(
        `${file}: token ${JSON.stringify(token)} has id ${id}, outside the model's vocab_size ${vocabSize}`,
        file,
        "vocab_size",
      );
    }
    tokens[id] = token;
    types[id] = type;
  };
  for (const [token, id] of Object.entries(tok.model?.vocab ?? {})) place(token, id, TokenType.NORMAL);
  for (const added of tok.added_tokens ?? []) {
    const control = added.special === true || looksSpecial(added.content);
    // user-defined tokens are matched pre-normalised: "▁" stands for a space in sentencepiece-style vocabs
    place(
      control ? added.content : added.content.replaceAll("\u2581", " "),
      added.id,
      control ? TokenType.CONTROL : TokenType.USER_DEFINED,
    );
  }
  for (let id = 0; id < vocabSize; id++) {
    if (tokens[id] === undefined) {
      tokens[id] = `[PAD${id}]`;
      // llama.cpp's get_vocab_base types padding UNUSED (older converters used USER_DEFINED, which breaks
      // tokenisation); UNUSED keeps them out of text matching and detokenisation
      types[id] = TokenType.UNUSED;
    }
  }
  return { tokens: tokens as string[], types };
}

/** Merges as "left right" strings; pair-form merges encode spaces as U+0120 like SpecialVocab does. */
function merges(tok: TokenizerJson, file: string): string[] {
  const list = tok.model?.merges ?? [];
  return list.map((m) => {
    if (typeof m === "string") return m;
    if (Array.isArray(m) && m.length === 2) return m.map((part) => part.replaceAll(" ", "\u0120")).join(" ");
    throw new CheckpointError(
      `${file}: model.merges: unknown merge format ${JSON.stringify(m)}`,
      file,
      "model.merges",
    );
  });
}

function specialIds(
  tok: TokenizerJson,
  cfg: TokenizerConfig,
  config: TextConfig,
  vocabSize: number,
): GgufKv[] {
  const ids = new Map<string, number>();
  for (const kind of Object.keys(SPECIAL_KEYS)) {
    const entry = cfg[`${kind}_token`];
    const content = typeof entry === "string" ? entry : (entry as { content?: unknown } | null)?.content;
    const id =
      typeof content === "string" ? tok.added_tokens?.find((t) => t.content === content)?.id : undefined;
    if (id !== undefined && id < vocabSize) ids.set(kind, id);
  }
  // then config.json's *_token_id, for kinds the tokenizer config left unset (Qwen3: bos)
  const fromConfig: Record<string, unknown> = { bos: config.bos_token_id, eos: config.eos_token_id };
  for (const [kind, id] of Object.entries(fromConfig)) {
    if (!ids.has(kind) && Number.isInteger(id) && (id as number) >= 0 && (id as number) < vocabSize)
      ids.set(kind, id as number);
  }
  return [...ids].map(([kind, id]) => u32(SPECIAL_KEYS[kind], id));
}

function chatTemplate(dir: string, cfg: TokenizerConfig): string | undefined {
  if (typeof cfg.chat_template === "string") return cfg.chat_template;
  if (Array.isArray(cfg.chat_template)) {
    const named = cfg.chat_template as { name?: string; template?: string }[];
    return named.find((t) => t.name === "default")?.template;
  }
  const jinja = path.join(dir, "chat_template.jinja");
  if (fs.existsSync(jinja)) return fs.readFileSync(jinja, "utf8");
  const json = path.join(dir, "chat_template.json");
  if (fs.existsSync(json)) return readJson<{ chat_template?: string }>(json).chat_template;
  return undefined;
}

/**
 * Tokenizer metadata from `dir/tokenizer.json` (+ tokenizer_config.json, chat_template.jinja, config ids).
 * @throws CheckpointError when tokenizer.json is missing, not BPE, or has ids past vocab_size.
 */
export function tokenizerMetadata(dir: string, config: TextConfig, pre: string): GgufKv[] {
  const file = path.join(dir, "tokenizer.json");
  if (!fs.existsSync(file)) throw new CheckpointError(`${file}: missing; a GGUF needs the tokenizer`, file);
  const tok = readJson<TokenizerJson>(file);
  if (tok.model?.type !== "BPE") {
    throw new CheckpointError(
      `${file}: model.type is ${JSON.stringify(tok.model?.type)}, only "BPE" (gpt2) tokenizers are supported`,
      file,
      "model.type",
    );
  }
  const cfgFile = path.join(dir, "tokenizer_config.json");
  const cfg = fs.existsSync(cfgFile) ? readJson<TokenizerConfig>(cfgFile) : {};
  const { tokens, types } = vocabulary(tok, config.vocab_size, file);
  const kvs: GgufKv[] = [
    str("tokenizer.ggml.model", "gpt2"),
    str("tokenizer.ggml.pre", pre),
    arr("tokenizer.ggml.tokens", "string", tokens),
    arr("tokenizer.ggml.token_type", "int32", types),
    arr("tokenizer.ggml.merges", "string", merges(tok, file)),
    ...specialIds(tok, cfg, config, config.vocab_size),
    // Qwen2Tokenizer adds no BOS; llama.cpp would otherwise default add_bos for gpt2 vocabularies
    bool("tokenizer.ggml.add_bos_token", cfg.add_bos_token === true),
  ];
  if (typeof cfg.add_eos_token === "boolean")
    kvs.push(bool("tokenizer.ggml.add_eos_token", cfg.add_eos_token));
  const template = chatTemplate(dir, cfg);
  if (template !== undefined) kvs.push(str("tokenizer.chat_template", template));
  return kvs;
}
