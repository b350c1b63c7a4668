/**
 * @module Rio's tokenizer: Hugging Face tokenizer.json through @huggingface/tokenizers, the chat template
 * through @huggingface/jinja, and special-token-safe encoding of chats.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { byteDecoder } from "./byte-level.js";
import { ChatTemplate, specialTokenVariables, tokenContent } from "./chat-template.js";
import { splitReasoningInHistory } from "./history-reasoning.js";
import { configTemplate, readTokenizerFiles } from "./load-files.js";
import { withMediaMarkers } from "./media-markers.js";
import { TokenizerError } from "./tokenizer-error.js";
import type { ChatMessage, ChatOptions } from "./types.js";
import { UntrustedTextGuard } from "./untrusted-text.js";
import { Utf8StreamDecoder } from "./utf8-stream-decoder.js";

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
}

/** Ids of the tokens the engine and the parsers need. */
export interface SpecialIds {
  imStart: number;
  imEnd: number;
  thinkStart: number;
  thinkEnd: number;
  /** Tokens that end generation: the config's `eos_token` and `<|endoftext|>`. */
  eos: number[];
}

/**
 * Tokenizer and chat template of one checkpoint.
 * @example
 * const tok = RioTokenizer.fromDir("models/Qwen3-0.6B");
 * const ids = tok.encodeChat([{ role: "user", content: "Hi" }], { enableThinking: false });
 */
export class RioTokenizer {
  /** Tokenizer size including added tokens (highest id + 1). */
  readonly vocabSize: number;
  readonly specialIds: SpecialIds;
  private readonly lib: Tokenizer;
  private readonly addedById = new Map<number, AddedTokenJson>();
  private readonly addedByContent = new Map<string, AddedTokenJson>();
  private readonly guard: UntrustedTextGuard;
  private readonly template?: ChatTemplate;

  /** Loads tokenizer.json, tokenizer_config.json and chat_template.jinja (if present) from `dir`. */
  static fromDir(dir: string): RioTokenizer {
    const files = readTokenizerFiles(dir);
    return new RioTokenizer(files.tokenizerJson, files.tokenizerConfig, files.chatTemplate, dir);
  }

  /** Builds from parsed files; `chatTemplate` overrides the config's (e.g. from GGUF metadata). */
  static fromJson(tokenizerJson: object, tokenizerConfig: object, chatTemplate?: string): RioTokenizer {
    const config = tokenizerConfig as Record<string, unknown>;
    return new RioTokenizer(
      tokenizerJson as Record<string, unknown>,
      config,
      chatTemplate ?? configTemplate(config),
    );
  }

  private constructor(
    json: Record<string, unknown>,
    config: Record<string, unknown>,
    chatTemplate: string | undefined,
    private readonly source = "tokenizer.json",
  ) {
    if (!Array.isArray(json.added_tokens)) {
      throw new TokenizerError("expected an array", this.source, "added_tokens");
    }
    const added = json.added_tokens as AddedTokenJson[];
    for (const token of added) {
      this.addedById.set(token.id, token);
      this.addedByContent.set(token.content, token);
    }
    const libConfig = {
      ...config,
      clean_up_tokenization_spaces: config.clean_up_tokenization_spaces ?? false,
    };
    this.lib = new Tokenizer(json, libConfig);
    this.vocabSize = Math.max(this.lib.get_vocab().size, ...added.map((t) => t.id + 1));
    this.specialIds = this.findSpecialIds(config);
    this.guard = new UntrustedTextGuard(added.map((t) => t.content));
    if (chatTemplate !== undefined)
      this.template = new ChatTemplate(chatTemplate, specialTokenVariables(config));
  }

  /** Encodes plain text: added-token strings such as `<|im_start|>` or `<think>` are ordinary characters. */
  encode(text: string): number[] {
    // The library's own pipeline minus its added-token splitting (which cannot be switched off).
    const { normalizer, pre_tokenizer, model } = this.lib;
    const normalized = normalizer ? normalizer(text) : text;
    if (!normalized || !model) return [];
    const pieces = model(pre_tokenizer ? pre_tokenizer(normalized) : [normalized]);
    return pieces.map((piece: string) => {
      const id = this.lib.token_to_id(piece);
      if (id === undefined)
        throw new TokenizerError(`no id for token ${JSON.stringify(piece)}`, this.source, "model");
      return id;
    });
  }

  /** Decodes ids to text; `skipSpecialTokens` drops tokens flagged special (not `<think>`, as in transformers). */
  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return "";
    return this.lib.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? false });
  }

  /** Raw bytes of one token: added tokens are their UTF-8 text, byte-level tokens their byte sequence. */
  tokenBytes(id: number): Uint8Array {
    const added = this.addedById.get(id);
    if (added) return new TextEncoder().encode(added.content);
    const token = this.lib.id_to_token(id);
    if (token === undefined)
      throw new RangeError(`token id ${id} is outside the vocabulary (${this.vocabSize})`);
    const bytes = byteDecoder();
    return Uint8Array.from([...token], (ch) => bytes.get(ch) ?? 0x3f);
  }

  /** A streaming detokeniser for this vocabulary; `skipSpecialTokens` drops tokens flagged special. */
  createStreamDecoder(opts: { skipSpecialTokens?: boolean } = {}): Utf8StreamDecoder {
    const skip = opts.skipSpecialTokens ? (id: number) => this.isSpecial(id) : undefined;
    return new Utf8StreamDecoder((id) => this.tokenBytes(id), skip);
  }

  /** Whether `id` is an added token flagged `special` in tokenizer.json. */
  isSpecial(id: number): boolean {
    return this.addedById.get(id)?.special === true;
  }

  tokenToId(token: string): number | undefined {
    return this.lib.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.lib.id_to_token(id);
  }

  /** Renders the chat template exactly as transformers' `apply_chat_template(tokenize=False)` would. */
  renderChat(messages: ChatMessage[], opts: ChatOptions = {}): string {
    return this.chatTemplate().render(this.withMedia(messages), opts);
  }

  /**
   * Renders and encodes a chat so that only the template's own markup becomes added tokens: every string in
   * `messages` and `opts.tools` is untrusted. For ordinary text this equals encoding `renderChat(...)` with
   * added-token parsing. When an untrusted string contains an added-token string that the template itself
   * inspects (e.g. a user message wrapped in `<tool_response>`), the template sees it as plain text, so the
   * ids may then decode to a slightly different text than `renderChat` — the safe reading.
   */
  encodeChat(messages: ChatMessage[], opts: ChatOptions = {}): number[] {
    const template = this.chatTemplate();
    const rendered = template.render(this.withMedia(messages), opts);
    const split = splitReasoningInHistory(messages);
    const chosen =
      split !== messages && template.render(this.withMedia(split), opts) === rendered ? split : messages;
    const escapedOpts = opts.tools ? { ...opts, tools: this.guard.escapeDeep(opts.tools) } : opts;
    // the vision markers go in after escaping: they are the template's markup, not the user's text
    const escaped = template.render(this.withMedia(this.guard.escapeDeep(chosen)), escapedOpts);
    const ids: number[] = [];
    for (const part of this.guard.split(escaped, this.addedByContent)) {
      if (part.kind === "token") ids.push(this.addedByContent.get(part.content)?.id ?? -1);
      else ids.push(...this.encode(part.text));
    }
    return ids;
  }

  private withMedia(messages: readonly ChatMessage[]): ChatMessage[] {
    return withMediaMarkers(messages, (content) => this.addedByContent.has(content), this.source);
  }

  private chatTemplate(): ChatTemplate {
    if (!this.template) {
      throw new TokenizerError(
        "no chat template (tokenizer_config.json or chat_template.jinja)",
        this.source,
        "chat_template",
      );
    }
    return this.template;
  }

  private findSpecialIds(config: Record<string, unknown>): SpecialIds {
    const id = (token: string, field: string) => {
      const found = this.addedByContent.get(token)?.id ?? this.lib.token_to_id(token);
      if (found === undefined)
        throw new TokenizerError(`token ${token} not in vocabulary`, this.source, field);
      return found;
    };
    const imEnd = id("<|im_end|>", "added_tokens");
    const eos = new Set([imEnd]);
    const eosToken = tokenContent(config.eos_token);
    if (eosToken) eos.add(id(eosToken, "eos_token"));
    const endOfText = this.addedByContent.get("<|endoftext|>");
    if (endOfText) eos.add(endOfText.id);
    return {
      imStart: id("<|im_start|>", "added_tokens"),
      imEnd,
      thinkStart: id("<think>", "added_tokens"),
      thinkEnd: id("</think>", "added_tokens"),
      eos: [...eos],
    };
  }
}
