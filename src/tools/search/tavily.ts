/** @module Tavily's search API, made for model agents (an API key from app.tavily.com). */
import { requestJson } from "./http-json.js";
import type { SearchHit, SearchProvider } from "./provider.js";

/** Tavily's API; tests point this elsewhere. */
export const TAVILY_URL = "https://api.tavily.com/search";

interface TavilyAnswer {
  results?: Array<{ title?: string; url?: string; content?: string }>;
}

/**
 * Tavily search with `apiKey`.
 * @example
 * const hits = await tavily(process.env.TAVILY_API_KEY).search("rio engine", { count: 5, signal });
 */
export function tavily(apiKey: string, endpoint = TAVILY_URL): SearchProvider {
  return {
    name: "tavily",
    async search(query, { count, signal }) {
      const answer = (await requestJson(endpoint, {
        signal,
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ query, max_results: count }),
      })) as TavilyAnswer;
      return (answer.results ?? [])
        .slice(0, count)
        .map((r): SearchHit => ({ title: r.title ?? "", url: r.url ?? "", snippet: r.content ?? "" }));
    },
  };
}
