/**
 * @module The `search` tool: a web search through the configured provider (SearXNG, Brave or Tavily). The
 * model gets numbered hits with title, URL and snippet, to cite by number and URL and to read with `fetch`.
 * Limits: `timeMs` for the search, `outputBytes` for the text returned.
 */
import { z } from "zod";
import { limitText } from "../text-limit.js";
import { type BuiltinTool, defineTool, errorResult, type ToolLimits } from "../tool.js";
import type { SearchHit } from "./provider.js";
import { type ProviderOptions, searchProvider } from "./provider-choice.js";

export type { SearchHit, SearchProvider } from "./provider.js";
export {
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderOptions,
  searchProvider,
} from "./provider-choice.js";

/** The structured side of a search result. */
export interface SearchData {
  provider: string;
  query: string;
  results: SearchHit[];
}

/** Limits that suit a search: 15 s, 4 MiB, 16 KiB of text back. */
export const SEARCH_LIMITS: Readonly<ToolLimits> = {
  timeMs: 15_000,
  memoryBytes: 4 * 2 ** 20,
  outputBytes: 16 * 1024,
};

const args = z
  .object({
    query: z.string().min(1).max(400).describe("What to search the web for"),
    count: z.number().int().min(1).max(10).optional().describe("How many results (1-10, default 5)"),
  })
  .strict();

/**
 * The search tool; throws at creation when no provider is configured, naming what to set.
 * @example
 * const search = webSearchTool({ searxngUrl: "http://127.0.0.1:8888" });
 * const result = await search.run({ query: "pyodide memory snapshot" }, { signal, limits: SEARCH_LIMITS });
 * result.text; // "[1] Pyodide ...\nhttps://pyodide.org/...\n..."
 */
export function webSearchTool(
  options: ProviderOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): BuiltinTool<SearchData> {
  const provider = searchProvider(options, env);
  return defineTool({
    name: "search",
    description:
      "Search the web. Returns numbered results with title, URL and snippet; cite the ones you use by URL, " +
      "and read a page in full with the fetch tool.",
    args,
    defaultLimits: SEARCH_LIMITS,
    async run({ query, count = 5 }, { signal, limits }) {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(limits.timeMs)]);
      let results: SearchHit[];
      try {
        results = await provider.search(query, { count, signal: deadline });
      } catch (err) {
        if (signal.aborted) return errorResult("the search was cancelled");
        if (deadline.aborted) return errorResult(`the search timed out after ${limits.timeMs} ms`);
        return errorResult(`the search failed (${provider.name}): ${(err as Error).message}`);
      }
      const data = { provider: provider.name, query, results };
      if (results.length === 0)
        return { text: `No results for ${JSON.stringify(query)}.`, isError: false, data };
      const text = results.map((r, i) => `[${i + 1}] ${r.title}\n${r.url}\n${r.snippet}`.trim()).join("\n\n");
      return { text: limitText(text, limits.outputBytes).text, isError: false, data };
    },
  });
}
