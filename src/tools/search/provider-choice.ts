/**
 * @module Which search provider a server uses: the one named in its options, else the first configured of
 * SearXNG (self-hosted, so queries stay in-house), Brave and Tavily. Settings come from options first,
 * then from the environment: RIO_SEARXNG_URL, BRAVE_API_KEY, TAVILY_API_KEY.
 */
import { BRAVE_URL, brave } from "./brave.js";
import type { SearchProvider } from "./provider.js";
import { searxng } from "./searxng.js";
import { TAVILY_URL, tavily } from "./tavily.js";

export const PROVIDER_NAMES = ["searxng", "brave", "tavily"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Provider settings; any left out are read from the environment. */
export interface ProviderOptions {
  provider?: ProviderName;
  searxngUrl?: string;
  braveApiKey?: string;
  tavilyApiKey?: string;
  /** API endpoints, for a proxy or a test server. */
  braveUrl?: string;
  tavilyUrl?: string;
}

/**
 * The provider to use; throws, naming the variable to set, when the chosen one (or any) is not configured.
 * @example
 * searchProvider({}, { RIO_SEARXNG_URL: "http://127.0.0.1:8888" }).name; // "searxng"
 * searchProvider({ provider: "brave" }, {}); // throws: "the brave search provider needs BRAVE_API_KEY ..."
 */
export function searchProvider(
  options: ProviderOptions,
  env: NodeJS.ProcessEnv = process.env,
): SearchProvider {
  const settings = {
    searxng: options.searxngUrl ?? env.RIO_SEARXNG_URL,
    brave: options.braveApiKey ?? env.BRAVE_API_KEY,
    tavily: options.tavilyApiKey ?? env.TAVILY_API_KEY,
  };
  const variables = { searxng: "RIO_SEARXNG_URL", brave: "BRAVE_API_KEY", tavily: "TAVILY_API_KEY" };
  const name = options.provider ?? PROVIDER_NAMES.find((n) => settings[n]);
  if (!name)
    throw new Error("no search provider is configured: set RIO_SEARXNG_URL, BRAVE_API_KEY or TAVILY_API_KEY");
  const setting = settings[name];
  if (!setting)
    throw new Error(`the ${name} search provider needs ${variables[name]} (or the matching option)`);
  if (name === "searxng") return searxng(setting);
  if (name === "brave") return brave(setting, options.braveUrl ?? BRAVE_URL);
  return tavily(setting, options.tavilyUrl ?? TAVILY_URL);
}
