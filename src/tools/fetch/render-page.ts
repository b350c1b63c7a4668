/**
 * @module Pages that need JavaScript, rendered in the system's headless Chromium through playwright-core
 * (never a downloaded browser). Chromium fetches nothing itself: the page is fetched first by `fetchPage`
 * (its redirects followed and checked), and every request the page then makes is intercepted and made by
 * `fetchPage` too, under the same address policy, size limit and deadline as a plain fetch. WebSockets are
 * closed, and anything that escapes interception meets a proxy that does not exist.
 */
import { access, constants } from "node:fs/promises";
import type { BrowserContext, Route } from "playwright-core";
import { type FetchedPage, type FetchSettings, fetchPage } from "./fetch-page.js";
import { FetchRefused } from "./resolve-target.js";

/** Debian's Chromium; the operator may name another executable. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
// a port nothing listens on, for the proxy that catches whatever is not intercepted
const DEAD_PROXY = "http://127.0.0.1:9";

/**
 * Loads `address` in headless Chromium and returns the page's HTML once its network is quiet, as a fetched page.
 * @example
 * const page = await renderPage("https://spa.example/", settings, "/usr/bin/chromium", 20_000);
 * htmlToMarkdown(page.body.toString(), page.url);
 */
export async function renderPage(
  address: string,
  settings: FetchSettings,
  executablePath: string,
  timeMs: number,
): Promise<FetchedPage> {
  await access(executablePath, constants.X_OK).catch(() => {
    throw new FetchRefused(
      `rendering needs Chromium at ${executablePath}, which is not there (on Debian: apt-get install chromium)`,
    );
  });
  // Chromium follows a redirect it was handed without asking the route again, so redirects are resolved here
  const document = await fetchPage(address, settings);
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    timeout: timeMs,
    proxy: { server: DEAD_PROXY },
    args: ["--force-webrtc-ip-handling-policy=disable_non_proxied_udp"],
  });
  try {
    const context = await browser.newContext({ serviceWorkers: "block", acceptDownloads: false });
    await interceptAll(context, settings, document);
    const page = await context.newPage();
    // "networkidle": scripts that fetch their content after the load event have had their turn
    await page.goto(document.url, { timeout: timeMs, waitUntil: "networkidle" });
    const body = Buffer.from(await page.content());
    if (body.length > settings.maxBytes)
      throw new FetchRefused(`the rendered page is larger than the ${settings.maxBytes}-byte limit`);
    return { ...document, contentType: "text/html", body };
  } finally {
    await browser.close();
  }
}

async function interceptAll(
  context: BrowserContext,
  settings: FetchSettings,
  document: FetchedPage,
): Promise<void> {
  let documentServed = false;
  await context.routeWebSocket(/.*/, (socket) => socket.close());
  await context.route("**/*", (route) => {
    const request = route.request();
    if (!documentServed && request.isNavigationRequest() && request.url() === document.url) {
      documentServed = true;
      return fulfill(route, document);
    }
    return answer(route, settings);
  });
}

async function answer(route: Route, settings: FetchSettings): Promise<void> {
  if (route.request().method() !== "GET") return route.abort("blockedbyclient");
  try {
    await fulfill(route, await fetchPage(route.request().url(), settings));
  } catch {
    await route.abort("blockedbyclient");
  }
}

function fulfill(route: Route, page: FetchedPage): Promise<void> {
  return route.fulfill({ status: page.status, contentType: page.contentType, body: page.body });
}
