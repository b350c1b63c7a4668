/**
 * @module Public API of the tokenizer layer: tokenizer + chat template with special-token-safe encoding, and
 * the pure incremental output parsers (reasoning, tool calls, UTF-8 detokenising).
 */

export { type BpeOptions, type BpeVocabulary, QWEN2_SPLIT, trainBpe } from "./bpe-trainer.js";
export {
  formatSeconds,
  hasMedia,
  IMAGE_PAD,
  VIDEO_PAD,
  VISION_END,
  VISION_START,
  videoMarkers,
} from "./media-markers.js";
export { qwen3TokenizerDir, qwen3TokenizerFiles, type TokenizerFiles } from "./qwen3-tokenizer-files.js";
export { type ReasoningEvent, ReasoningParser, type ReasoningParserOptions } from "./reasoning-parser.js";
export { RioTokenizer, type SpecialIds } from "./rio-tokenizer.js";
export { TokenizerError } from "./tokenizer-error.js";
export { JsonMinifier, JsonToolCallReader, parseJsonToolCall } from "./tool-call-json.js";
export {
  type ToolCallEvent,
  ToolCallParser,
  type ToolCallParserOptions,
} from "./tool-call-parser.js";
export {
  type ParsedToolCall,
  type ToolCallBodyReader,
  ToolCallSyntaxError,
  type ToolDefinitions,
} from "./tool-call-types.js";
export { isStringLike as isTextParameter, parseXmlToolCall, XmlToolCallReader } from "./tool-call-xml.js";
export type { ChatContentPart, ChatMessage, ChatOptions, ChatToolCall } from "./types.js";
export { Utf8StreamDecoder } from "./utf8-stream-decoder.js";
