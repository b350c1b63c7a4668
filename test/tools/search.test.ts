// The search tool against SearXNG-, Brave- and Tavily-shaped servers on loopback: each adapter's request
// (path, query, key) and its results as numbered title/URL/snippet text, provider choice from options and
// environment, and a provider's failure as an error result.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { after, before, test } from "node:test";
import { SEARCH_LIMITS, type SearchData, searchProvider, webSearchTool } from "../../src/tools/index.js";
import { type LoopbackServer, startLoopbackServer } from "../fixtures/tools/loopback-server.js";

const HITS = [
  { title: "Tides of Rio", url: "https://tides.example/rio", text: "The tide rises twice a day." },
  { title: "Moon and tides", url: "https://moon.example/", text: "Spring and neap tides." },
  { title: "Sailing", url: "https://sail.example/", text: "Draft and depth." },
];

let server: LoopbackServer;
const seen: string[] = [];
const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
};

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", server.origin);
  let body = "";
  for await (const chunk of req) body += chunk;
  seen.push(
    `${req.method} ${url.pathname}${url.search} ${req.headers["x-subscription-token"] ?? ""}${req.headers.authorization ?? ""} ${body}`.trim(),
  );
  if (url.pathname === "/searx/search" && url.searchParams.get("format") === "json")
    return json(res, 200, {
      query: url.searchParams.get("q"),
      results: HITS.map((h) => ({ title: h.title, url: h.url, content: h.text })),
    });
  if (url.pathname === "/res/v1/web/search" && req.headers["x-subscription-token"] === "brave-key")
    return json(res, 200, {
      web: {
        results: HITS.map((h) => ({ title: h.title, url: h.url, description: `<strong>${h.text}</strong>` })),
      },
    });
  if (
    url.pathname === "/search" &&
    req.method === "POST" &&
    req.headers.authorization === "Bearer tavily-key"
  )
    return json(res, 200, {
      results: HITS.map((h) => ({ title: h.title, url: h.url, content: h.text, score: 0.9 })),
    });
  return json(res, 401, { error: "bad key or path" });
}

before(async () => {
  server = await startLoopbackServer((req, res) => void route(req, res));
});
after(() => server.close());

const run = (tool: ReturnType<typeof webSearchTool>, args: Record<string, unknown>) =>
  tool.run(args, { signal: new AbortController().signal, limits: SEARCH_LIMITS });
const EXPECTED =
  "[1] Tides of Rio\nhttps://tides.example/rio\nThe tide rises twice a day.\n\n" +
  "[2] Moon and tides\nhttps://moon.example/\nSpring and neap tides.";

test("SearXNG: GET /search?q=…&format=json under the instance's path; hits as numbered text", async () => {
  seen.length = 0;
  const tool = webSearchTool({ searxngUrl: `${server.origin}/searx` }, {});
  const result = await run(tool, { query: "tides in rio", count: 2 });
  assert.equal(result.isError, false, result.text);
  assert.equal(result.text, EXPECTED);
  assert.deepEqual((result.data as SearchData).results.length, 2);
  assert.deepEqual(seen, ["GET /searx/search?q=tides+in+rio&format=json"]);
});

test("Brave: the key in X-Subscription-Token, count passed on, <strong> marks taken out of snippets", async () => {
  seen.length = 0;
  const tool = webSearchTool(
    { braveUrl: `${server.origin}/res/v1/web/search` },
    { BRAVE_API_KEY: "brave-key" },
  );
  const result = await run(tool, { query: "tides", count: 2 });
  assert.equal(result.text, EXPECTED);
  assert.deepEqual(seen, ["GET /res/v1/web/search?q=tides&count=2 brave-key"]);
});

test("Tavily: POST /search with a bearer key and the query in a JSON body", async () => {
  seen.length = 0;
  const tool = webSearchTool(
    { provider: "tavily", tavilyUrl: `${server.origin}/search` },
    { TAVILY_API_KEY: "tavily-key" },
  );
  const result = await run(tool, { query: "tides", count: 2 });
  assert.equal(result.text, EXPECTED);
  assert.deepEqual(seen, ['POST /search Bearer tavily-key {"query":"tides","max_results":2}']);
});

test("the provider comes from options, else the first configured of SearXNG, Brave, Tavily; none is an error", () => {
  assert.equal(searchProvider({}, { BRAVE_API_KEY: "k", TAVILY_API_KEY: "k" }).name, "brave");
  assert.equal(
    searchProvider({}, { RIO_SEARXNG_URL: "http://127.0.0.1:1", BRAVE_API_KEY: "k" }).name,
    "searxng",
  );
  assert.equal(searchProvider({ provider: "tavily", tavilyApiKey: "k" }, {}).name, "tavily");
  assert.throws(() => searchProvider({}, {}), /set RIO_SEARXNG_URL, BRAVE_API_KEY or TAVILY_API_KEY/);
  assert.throws(
    () => searchProvider({ provider: "brave" }, {}),
    /the brave search provider needs BRAVE_API_KEY/,
  );
});

test("a provider's refusal is an error result with its status and reason", async () => {
  const tool = webSearchTool({ braveUrl: `${server.origin}/res/v1/web/search` }, { BRAVE_API_KEY: "wrong" });
  const result = await run(tool, { query: "tides" });
  assert.equal(result.isError, true);
  assert.match(
    result.text,
    /^the search failed \(brave\): HTTP 401 Unauthorized: \{"error":"bad key or path"\}$/,
  );
});
