/**
 * @module Built-in tools that Rio runs itself: `code` (Python and JavaScript in sandboxes), `fetch` (web pages
 * and documents as text), `search` (a web search provider) and `ocr` (the text of images and documents). Each is a BuiltinTool: a name, a description
 * and JSON-schema parameters for the model, and `run(args, { signal, limits })` returning text for the model
 * (plus fields for logs), never throwing. The server and CLI pick them with `builtinTools(names, options)`.
 */
export { type CodeLanguage, type CodeRunData, type CodeTool, codeTool } from "./code/index.js";
export { DETECT_LIMITS, type DetectToolOptions, detectObjectsTool } from "./detect/index.js";
export {
  type AddressPolicy,
  FETCH_LIMITS,
  type FetchBytesOptions,
  type FetchData,
  FetchRefused,
  type FetchToolOptions,
  fetchBytes,
  type HostResolver,
  type ResolvedAddress,
  refusalReason,
  webFetchTool,
} from "./fetch/index.js";
export { OCR_LIMITS, type OcrData, type OcrToolOptions, ocrTool } from "./ocr/index.js";
export {
  BUILTIN_TOOL_NAMES,
  type BuiltinToolName,
  type BuiltinToolOptions,
  builtinTools,
} from "./registry.js";
export {
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderOptions,
  SEARCH_LIMITS,
  type SearchData,
  type SearchHit,
  type SearchProvider,
  searchProvider,
  webSearchTool,
} from "./search/index.js";
export { limitText } from "./text-limit.js";
export {
  type BuiltinTool,
  DEFAULT_LIMITS,
  defineTool,
  errorResult,
  type JsonSchema,
  type ToolContext,
  type ToolLimits,
  type ToolResult,
} from "./tool.js";
