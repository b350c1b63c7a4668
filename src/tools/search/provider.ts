/**
 * @module The search-provider interface: a query in, title/URL/snippet hits out. Adapters (SearXNG, Brave,
 * Tavily) live one per file; `searchProvider` in provider-choice.ts picks one from options or environment.
 */

/** One search result. */
export interface SearchHit {
  title: string;
  url: string;
  snippet: string;
}

/** A web search service. */
export interface SearchProvider {
  readonly name: string;
  /** At most `count` hits, best first. */
  search(query: string, options: { count: number; signal: AbortSignal }): Promise<SearchHit[]>;
}
