/**
 * @module The tokenizer of a bare GGUF file: GGUF stores the vocabulary, token types, merges and chat
 * template as metadata; this rebuilds the Hugging Face tokenizer.json they came from, so a GGUF alone is
 * a complete model with the same tokenizer and template code path as a Hugging Face folder.
 */
import { type GgufFile, ggufMetadataValue, PRE_TOKENIZER_PATTERNS } from "../checkpoint/index.js";
import { RioTokenizer } from "../tokenizer/index.js";
import { EngineError } from "./errors.js";

const TOKEN_TYPE = { NORMAL: 1, CONTROL: 3, USER_DEFINED: 4 } as const;

/** Builds the RioTokenizer described by a GGUF's tokenizer.* metadata. */
export function tokenizerFromGguf(gguf: GgufFile): RioTokenizer {
  const get = (key: string) => ggufMetadataValue(gguf, key);
  const need = <T>(key: string, check: (v: unknown) => boolean, expected: string): T => {
    const value = get(key);
    if (!check(value)) throw new EngineError(`${gguf.path}: metadata ${key} is missing or not ${expected}`);
    return value as T;
  };
  const model = need<string>("tokenizer.ggml.model", (v) => typeof v === "string", "a string");
  if (model !== "gpt2")
    throw new EngineError(`${gguf.path}: tokenizer.ggml.model "${model}" is not supported (expected "gpt2")`);
  const pre = String(get("tokenizer.ggml.pre") ?? "qwen2");
  const pattern = Object.hasOwn(PRE_TOKENIZER_PATTERNS, pre) ? PRE_TOKENIZER_PATTERNS[pre] : undefined;
  if (!pattern)
    throw new EngineError(
      `${gguf.path}: tokenizer.ggml.pre "${pre}" is not supported (expected one of ${Object.keys(PRE_TOKENIZER_PATTERNS)})`,
    );
  const tokens = need<string[]>("tokenizer.ggml.tokens", Array.isArray, "an array of strings");
  const types = need<number[]>(
    "tokenizer.ggml.token_type",
    (v) => Array.isArray(v) && v.length === tokens.length,
    `an array of ${tokens.length} token types`,
  );
  const merges = need<string[]>("tokenizer.ggml.merges", Array.isArray, "an array of strings");

  const vocab: Record<string, number> = {};
  const addedTokens: object[] = [];
  tokens.forEach((content, id) => {
    const type = Number(types[id]);
    if (type === TOKEN_TYPE.CONTROL || type === TOKEN_TYPE.USER_DEFINED)
      addedTokens.push({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: type === TOKEN_TYPE.CONTROL,
      });
    else vocab[content] = id;
  });
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false };
  const tokenizerJson = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: "NFC" },
    pre_tokenizer: {
      type: "Sequence",
      pretokenizers: [
        { type: "Split", pattern: { Regex: pattern }, behavior: "Isolated", invert: false },
        byteLevel,
      ],
    },
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map((m) => m.split(" ")),
    },
  };
  const tokenAt = (key: string) => {
    const id = get(key);
    return id === undefined ? null : tokens[Number(id)];
  };
  const tokenizerConfig = {
    add_bos_token: Boolean(get("tokenizer.ggml.add_bos_token") ?? false),
    bos_token: tokenAt("tokenizer.ggml.bos_token_id"),
    eos_token: tokenAt("tokenizer.ggml.eos_token_id"),
    pad_token: tokenAt("tokenizer.ggml.padding_token_id"),
  };
  const chatTemplate = get("tokenizer.chat_template");
  return RioTokenizer.fromJson(
    tokenizerJson,
    tokenizerConfig,
    typeof chatTemplate === "string" ? chatTemplate : undefined,
  );
}
