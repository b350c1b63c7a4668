/** @module SearXNG, the self-hosted metasearch engine, through its JSON API (`format=json` must be enabled). */
import { requestJson } from "./http-json.js";
import type { SearchHit, SearchProvider } from "./provider.js";

interface SearxngAnswer {
  results?: Array<{ title?: string; url?: string; content?: string }>;
}

/**
 * A SearXNG instance at `baseUrl` (e.g. "http://127.0.0.1:8888").
 * @example
 * const hits = await searxng("http://127.0.0.1:8888").search("rio engine", { count: 5, signal });
 */
export function searxng(baseUrl: string): SearchProvider {
  return {
    name: "searxng",
    async search(query, { count, signal }) {
      const url = new URL("search", withSlash(baseUrl));
      url.search = new URLSearchParams({ q: query, format: "json" }).toString();
      const answer = (await requestJson(url.href, { signal })) as SearxngAnswer;
      return (answer.results ?? [])
        .slice(0, count)
        .map((r): SearchHit => ({ title: r.title ?? "", url: r.url ?? "", snippet: r.content ?? "" }));
    },
  };
}

// new URL("search", "http://host/searx") would drop "searx"; a base must end in a slash
function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
