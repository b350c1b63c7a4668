// The fetch tool against a web server on loopback (allowed explicitly, as 127.0.0.1/32 only): HTML to
// markdown, PDF and text, redirects, the size and time limits, and refusals of private addresses — directly,
// after DNS, and on a redirect. Nothing here leaves the machine: refused addresses are refused before
// connecting.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import {
  type BuiltinTool,
  type FetchData,
  type FetchToolOptions,
  type ToolLimits,
  webFetchTool,
} from "../../src/tools/index.js";
import { type LoopbackServer, startLoopbackServer } from "../fixtures/tools/loopback-server.js";

const PDF = readFileSync(new URL("../../../test/fixtures/tools/hello.pdf", import.meta.url));
const ARTICLE = `<!doctype html><html><head><title>Tide tables</title><script>var tracking = "secret";</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<article><h1>Tide tables</h1>
<p>The tide at Rio rises twice a day. Tides are caused by the Moon and the Sun, and the height of each tide
depends on where they stand. Read the <a href="/tables/2026">tables for 2026</a> before sailing.</p>
<p>Spring tides come after new and full moons; neap tides come after the quarter moons. The difference can be
a metre or more along this coast, which matters for boats that draw more than a little water.</p>
<ul><li>High water: 06:12</li><li>Low water: 12:30</li></ul></article>
<footer>Copyright</footer></body></html>`;

let server: LoopbackServer;
let slow: ServerResponse[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "/article": (_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(ARTICLE),
  "/paper.pdf": (_req, res) => res.writeHead(200, { "content-type": "application/pdf" }).end(PDF),
  "/data.json": (_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end('{"tide":"high"}'),
  "/logo.png": (_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(64)),
  "/missing": (_req, res) => res.writeHead(404, { "content-type": "text/plain" }).end("no such page"),
  "/host": (req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(`host=${req.headers.host}`),
  "/r1": (_req, res) => res.writeHead(302, { location: "/r2" }).end(),
  "/r2": (_req, res) => res.writeHead(301, { location: `${server.origin}/r3` }).end(),
  "/r3": (_req, res) => res.writeHead(307, { location: "article" }).end(),
  "/loop": (_req, res) => res.writeHead(302, { location: "/loop" }).end(),
  "/big": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(2 * 2 ** 20)),
  "/big-unannounced": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    for (let i = 0; i < 32; i++) res.write("y".repeat(64 * 1024));
    res.end();
  },
  "/gzip-bomb": (_req, res) =>
    res
      .writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip" })
      .end(gzipSync(Buffer.alloc(64 * 2 ** 20))),
  "/slow": (_req, res) => {
    slow.push(res);
  },
  "/trickle": (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).write("first part ");
    slow.push(res);
  },
  "/to-metadata": (_req, res) =>
    res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
  "/to-other-loopback": (_req, res) =>
    res.writeHead(302, { location: `http://127.0.0.2:${server.port}/article` }).end(),
  "/to-ipv6-loopback": (_req, res) =>
    res.writeHead(302, { location: `http://[::1]:${server.port}/article` }).end(),
  "/to-file": (_req, res) => res.writeHead(302, { location: "file:///etc/passwd" }).end(),
};

before(async () => {
  server = await startLoopbackServer((req, res) => {
    const route = routes[new URL(req.url ?? "/", server.origin).pathname];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
});
after(async () => {
  for (const res of slow) res.destroy();
  slow = [];
  await server.close();
});

const LIMITS: ToolLimits = { timeMs: 5000, memoryBytes: 2 ** 20, outputBytes: 16 * 1024 };
const loopbackOnly: FetchToolOptions = { allowCidrs: ["127.0.0.1/32"] };

function fetchWith(options: FetchToolOptions, limits: Partial<ToolLimits> = {}) {
  const tool = webFetchTool(options) as BuiltinTool<FetchData>;
  return (args: Record<string, unknown>) =>
    tool.run(args, { signal: new AbortController().signal, limits: { ...LIMITS, ...limits } });
}
const get = (path: string, limits: Partial<ToolLimits> = {}) =>
  fetchWith(loopbackOnly, limits)({ url: `${server.origin}${path}` });

test("an HTML page comes back as markdown of its article, links made absolute, scripts and navigation gone", async () => {
  const result = await get("/article");
  assert.equal(result.isError, false, result.text);
  assert.match(result.text, /^URL: http:\/\/127\.0\.0\.1:\d+\/article\nTitle: Tide tables\n\n/);
  assert.match(result.text, /The tide at Rio rises twice a day\./);
  assert.ok(result.text.includes(`[tables for 2026](${server.origin}/tables/2026)`), result.text);
  assert.match(result.text, /-\s+High water: 06:12\n-\s+Low water: 12:30/);
  assert.doesNotMatch(result.text, /tracking|secret|Copyright|About/);
  assert.equal(result.data?.kind, "html");
  assert.equal(result.data?.title, "Tide tables");
});

test("a PDF comes back as its text; JSON as text; an image is refused by its type", async () => {
  const pdf = await get("/paper.pdf");
  assert.equal(pdf.isError, false, pdf.text);
  assert.match(pdf.text, /Rio reads PDF files\./);
  assert.equal(pdf.data?.kind, "pdf");
  const json = await get("/data.json");
  assert.match(json.text, /\n\n\{"tide":"high"\}$/);
  const image = await get("/logo.png");
  assert.equal(image.isError, true);
  assert.match(image.text, /cannot read content of type image\/png/);
});

test("a redirect chain is followed to the end, and a redirect loop stops at the limit", async () => {
  const result = await get("/r1");
  assert.equal(result.isError, false, result.text);
  assert.equal(result.data?.finalUrl, `${server.origin}/article`);
  assert.deepEqual(result.data?.redirects, [
    `${server.origin}/r2`,
    `${server.origin}/r3`,
    `${server.origin}/article`,
  ]);
  const loop = await fetchWith({ ...loopbackOnly, maxRedirects: 3 })({ url: `${server.origin}/loop` });
  assert.equal(loop.isError, true);
  assert.match(loop.text, /stopped after 3 redirects/);
});

test("a page over the size limit is refused, whether announced, streamed or compressed", async () => {
  for (const path of ["/big", "/big-unannounced", "/gzip-bomb"]) {
    const result = await get(path, { memoryBytes: 2 ** 20 });
    assert.equal(result.isError, true, path);
    assert.equal(result.text, "the response is larger than the 1048576-byte limit", path);
  }
});

test("a slow page is given up at the time limit", async () => {
  for (const path of ["/slow", "/trickle"]) {
    const started = performance.now();
    const result = await get(path, { timeMs: 300 });
    assert.equal(result.text, "the fetch timed out after 300 ms", path);
    assert.ok(performance.now() - started < 2000, path);
  }
});

test("a host whose name never resolves is given up at the time limit", async () => {
  const hanging = () => new Promise<never>(() => {});
  const result = await fetchWith({ resolver: hanging }, { timeMs: 200 })({ url: "http://stuck.test/" });
  assert.equal(result.text, "the fetch timed out after 200 ms");
});

test("private addresses are refused before connecting unless allowed, literal or after DNS", async () => {
  const before = server.connections();
  const refuse = fetchWith({});
  const cases: Array<[string, RegExp]> = [
    [`http://127.0.0.1:${server.port}/article`, /127\.0\.0\.1 is a loopback address/],
    ["http://10.0.0.1/", /10\.0\.0\.1 is a private address/],
    ["http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254 is a link-local address/],
    [`http://[::1]:${server.port}/`, /::1 is a loopback address/],
    [`http://[::ffff:127.0.0.1]:${server.port}/`, /::ffff:7f00:1 is a loopback address \(IPv4-mapped\)/],
    ["http://0.0.0.0/", /0\.0\.0\.0 is an unspecified address/],
    [`http://localhost:${server.port}/article`, /refused to connect to localhost: .*loopback address/],
    ["file:///etc/passwd", /only http and https URLs can be fetched, not file:/],
  ];
  for (const [url, reason] of cases) {
    const result = await refuse({ url });
    assert.equal(result.isError, true, url);
    assert.match(result.text, reason, url);
  }
  assert.equal(server.connections(), before, "nothing reached the server");
});

test("a redirect to a refused address is not followed", async () => {
  const cases: Array<[string, RegExp]> = [
    ["/to-metadata", /169\.254\.169\.254 is a link-local address/],
    ["/to-other-loopback", /127\.0\.0\.2 is a loopback address/],
    ["/to-ipv6-loopback", /::1 is a loopback address/],
    ["/to-file", /only http and https URLs/],
  ];
  for (const [path, reason] of cases) {
    const result = await get(path);
    assert.equal(result.isError, true, path);
    assert.match(result.text, reason, path);
  }
});

test("the connection goes to the address that was checked, with the host name kept for the server", async () => {
  const resolver = async () => [{ address: "127.0.0.1", family: 4 as const }];
  const result = await fetchWith({ ...loopbackOnly, resolver })({
    url: `http://pages.test:${server.port}/host`,
  });
  assert.equal(result.isError, false, result.text);
  assert.match(result.text, new RegExp(`host=pages\\.test:${server.port}$`));
  const rebound = async () => [{ address: "10.9.8.7", family: 4 as const }];
  const refused = await fetchWith({ ...loopbackOnly, resolver: rebound })({
    url: `http://pages.test:${server.port}/`,
  });
  assert.match(refused.text, /refused to connect to pages\.test: 10\.9\.8\.7 is a private address/);
});

test("an HTTP error status is an error result that still shows the page", async () => {
  const result = await get("/missing");
  assert.equal(result.isError, true);
  assert.match(result.text, /^HTTP 404 Not Found\nURL: .*\/missing\n\nno such page$/);
});

test("rendering exists only when the operator enables it, and needs Chromium where it is said to be", async () => {
  const plain = await fetchWith(loopbackOnly)({ url: `${server.origin}/article`, render: true });
  assert.equal(plain.isError, true);
  assert.match(plain.text, /^invalid arguments for fetch: Unrecognized key: "render"/);

  const tool = webFetchTool({ ...loopbackOnly, render: { executablePath: "/nonexistent/chromium" } });
  assert.ok("render" in ((tool.parameters.properties as object) ?? {}));
  const result = await tool.run(
    { url: `${server.origin}/article`, render: true },
    { signal: new AbortController().signal, limits: LIMITS },
  );
  assert.equal(result.isError, true);
  assert.match(result.text, /rendering needs Chromium at \/nonexistent\/chromium, which is not there/);
});
