/**
 * @module A web page as readable markdown: Mozilla's Readability (Firefox's reader view) picks the article
 * out of the page in linkedom's DOM, and turndown writes it as markdown. Links and images are made absolute
 * first, so the model can cite and fetch them.
 */
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";

/** The page's title (when it has one) and its main content as markdown. */
export interface PageMarkdown {
  title?: string;
  markdown: string;
}

/**
 * Converts an HTML page fetched from `pageUrl`.
 * @example
 * htmlToMarkdown("<title>T</title><article><h1>Hi</h1><p>See <a href='/x'>x</a>.</p></article>", "https://a.example/");
 * // { title: "T", markdown: "# Hi\n\nSee [x](https://a.example/x)." }
 */
export function htmlToMarkdown(html: string, pageUrl: string): PageMarkdown {
  const { document } = parseHTML(html);
  absolutize(document, pageUrl);
  const title = document.title?.trim() || undefined;
  // Readability gives up on pages with little text (a search form, a short note); the whole body then
  const article = new Readability(document as unknown as Document).parse();
  const content = article?.content ?? document.body?.innerHTML ?? html;
  const markdown = turndown().turndown(content).trim();
  const articleTitle = article?.title?.trim() || title;
  return articleTitle ? { title: articleTitle, markdown } : { markdown };
}

function absolutize(document: ReturnType<typeof parseHTML>["document"], pageUrl: string): void {
  for (const [selector, attribute] of [
    ["a[href]", "href"],
    ["img[src]", "src"],
  ]) {
    for (const element of document.querySelectorAll(selector)) {
      const value = element.getAttribute(attribute);
      if (value === null) continue;
      try {
        element.setAttribute(attribute, new URL(value, pageUrl).href);
      } catch {
        // a malformed link stays as written
      }
    }
  }
}

function turndown(): TurndownService {
  const service = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
  });
  service.remove(["script", "style", "noscript", "iframe", "form"]);
  return service;
}
