/**
 * @module Built-in tools by name, as an operator enables them (`--builtin-tools code,fetch,search`). Unknown
 * names are refused with the list of known ones before any tool is made, so a typo fails at startup.
 */
import { codeTool } from "./code/index.js";
import { type DetectToolOptions, detectObjectsTool } from "./detect/index.js";
import { type FetchToolOptions, webFetchTool } from "./fetch/index.js";
import { type OcrToolOptions, ocrTool } from "./ocr/index.js";
import { type ProviderOptions, webSearchTool } from "./search/index.js";
import type { BuiltinTool } from "./tool.js";

export const BUILTIN_TOOL_NAMES = ["code", "fetch", "search", "detect_objects", "ocr"] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

/** Each tool's own settings; the search tool also reads its provider from `env`. */
export interface BuiltinToolOptions {
  fetch?: FetchToolOptions;
  /** detect_objects; its URLs follow `fetch.allowPrivate` unless set here. */
  detect?: DetectToolOptions;
  search?: ProviderOptions;
  ocr?: OcrToolOptions;
  env?: NodeJS.ProcessEnv;
}

/**
 * The named tools, each once, in the order named; `close()` each when done.
 * @example
 * const tools = builtinTools(["code", "fetch"], { fetch: { allowPrivate: false } });
 * tools.map((t) => t.name); // ["code", "fetch"]
 * builtinTools(["browser"]); // throws: unknown built-in tool "browser" (known: code, fetch, search)
 */
export function builtinTools(names: readonly string[], options: BuiltinToolOptions = {}): BuiltinTool[] {
  const unknown = names.filter((name) => !(BUILTIN_TOOL_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `unknown built-in tool ${unknown.map((n) => JSON.stringify(n)).join(", ")} (known: ${BUILTIN_TOOL_NAMES.join(", ")})`,
    );
  const make: Record<BuiltinToolName, () => BuiltinTool> = {
    code: () => codeTool(),
    fetch: () => webFetchTool(options.fetch),
    search: () => webSearchTool(options.search, options.env),
    detect_objects: () => detectObjectsTool({ allowPrivate: options.fetch?.allowPrivate, ...options.detect }),
    ocr: () => ocrTool(options.ocr),
  };
  return [...new Set(names as readonly BuiltinToolName[])].map((name) => make[name]());
}
