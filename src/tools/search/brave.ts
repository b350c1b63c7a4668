/** @module Brave Search's web search API (an API key from api-dashboard.search.brave.com). */
import { requestJson } from "./http-json.js";
import type { SearchHit, SearchProvider } from "./provider.js";

/** Brave's API; tests point this elsewhere. */
export const BRAVE_URL = "https://api.search.brave.com/res/v1/web/search";

interface BraveAnswer {
  web?: { results?: Array<{ title?: string; url?: string; description?: string }> };
}

/**
 * Brave web search with `apiKey`.
 * @example
 * const hits = await brave(process.env.BRAVE_API_KEY).search("rio engine", { count: 5, signal });
 */
export function brave(apiKey: string, endpoint = BRAVE_URL): SearchProvider {
  return {
    name: "brave",
    async search(query, { count, signal }) {
      const url = new URL(endpoint);
      url.search = new URLSearchParams({ q: query, count: String(count) }).toString();
      const answer = (await requestJson(url.href, {
        signal,
        headers: { "x-subscription-token": apiKey },
      })) as BraveAnswer;
      return (answer.web?.results ?? []).slice(0, count).map(
        // Brave marks query words in descriptions with <strong>
        (r): SearchHit => ({
          title: r.title ?? "",
          url: r.url ?? "",
          snippet: stripTags(r.description ?? ""),
        }),
      );
    },
  };
}

function stripTags(text: string): string {
  return text.replace(/<\/?[a-z][^>]*>/gi, "");
}
