/**
 * @module The built-in tool flags of run, chat and serve: which tools (none unless named), how many tool
 * rounds one answer may take, and each tool's operator settings. API keys come only from the environment
 * (BRAVE_API_KEY, TAVILY_API_KEY), never from flags that other users can read in the process list.
 */
import { type Command, InvalidArgumentError } from "commander";
import type { Detector } from "../detection/index.js";
import { DEFAULT_TOOL_STEPS } from "../server/index.js";
import {
  BUILTIN_TOOL_NAMES,
  type BuiltinTool,
  type BuiltinToolName,
  builtinTools,
  PROVIDER_NAMES,
  type ProviderName,
} from "../tools/index.js";
import { collect, integerParser, oneOf } from "./parsers.js";

/** The flags addToolOptions defines. */
export interface ToolFlags {
  builtinTools?: BuiltinToolName[];
  toolSteps: number;
  fetchAllowPrivate?: boolean;
  /** true, or the Chromium executable to render with. */
  fetchRender?: boolean | string;
  searchProvider?: ProviderName;
  searxngUrl?: string;
  /** Folders whose files the ocr tool (and, in serve, file parts) may name by path. */
  fileRoot: string[];
  /** OCR languages among the installed traineddata. */
  ocrLanguages: string[];
}

/** Adds the tool flags to a command. */
export function addToolOptions(command: Command): Command {
  return command
    .option(
      "--builtin-tools <names>",
      `built-in tools the model may call, comma-separated: ${BUILTIN_TOOL_NAMES.join(", ")} (default: none)`,
      toolNames,
    )
    .option(
      "--tool-steps <n>",
      "most rounds of tool calls in one answer; the answer after the last round gets no tools",
      integerParser(0),
      DEFAULT_TOOL_STEPS,
    )
    .option("--fetch-allow-private", "let fetch reach private, loopback and link-local addresses")
    .option(
      "--fetch-render [chromium]",
      "let fetch render pages that need JavaScript in the system's headless Chromium (default /usr/bin/chromium)",
    )
    .option(
      "--search-provider <name>",
      `search provider: ${PROVIDER_NAMES.join(", ")} (default: the first configured)`,
      oneOf(PROVIDER_NAMES),
    )
    .option(
      "--file-root <dir>",
      "a folder whose files the ocr tool (and, for rio serve, file parts) may name by absolute path (repeatable)",
      collect,
      [],
    )
    .option(
      "--ocr-languages <langs>",
      "OCR languages, comma-separated, among the installed @tesseract.js-data packages",
      (value: string) =>
        value
          .split(",")
          .map((lang) => lang.trim())
          .filter(Boolean),
      ["eng"],
    )
    .option(
      "--searxng-url <url>",
      "a SearXNG instance with its JSON API on (default: env RIO_SEARXNG_URL); Brave and Tavily read BRAVE_API_KEY and TAVILY_API_KEY",
    );
}

/**
 * The tools the flags name (none when --builtin-tools is absent); throws when a named tool is not set up,
 * such as search with no provider.
 */
export function toolsFromFlags(flags: ToolFlags, detector?: Detector): BuiltinTool[] {
  const render = flags.fetchRender;
  return builtinTools(flags.builtinTools ?? [], {
    fetch: {
      allowPrivate: flags.fetchAllowPrivate === true,
      ...(render ? { render: typeof render === "string" ? { executablePath: render } : {} } : {}),
    },
    search: { provider: flags.searchProvider, searxngUrl: flags.searxngUrl },
    ...(detector && { detect: { detector } }),
    ocr: {
      allowPrivate: flags.fetchAllowPrivate === true,
      roots: flags.fileRoot,
      languages: flags.ocrLanguages,
    },
  });
}

function toolNames(value: string): BuiltinToolName[] {
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(BUILTIN_TOOL_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0)
    throw new InvalidArgumentError(`expected some of ${BUILTIN_TOOL_NAMES.join(", ")}`);
  return names as BuiltinToolName[];
}
