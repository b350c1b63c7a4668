/**
 * @module The output items of built-in tool calls, in OpenAI's own item types so that Responses clients
 * show them as they show OpenAI's: a `code` run is a `code_interpreter_call` (its result as `logs`), a
 * `search` a `web_search_call` with a `search` action (its hits as `sources`), and a `fetch` a
 * `web_search_call` with an `open_page` action, which is how OpenAI's own web search reports a page it
 * read. Each item also carries Rio's `rio` field: the call as the model wrote it and the exact text it
 * read back, which OpenAI's types have no place for and a continued conversation needs. Also here: the
 * streaming events of these items, and the way back from an item to the call and result it records.
 */
import { callArguments, type ToolCallRequest, type ToolRun } from "../../agent/index.js";
import type { BuiltinToolName, SearchData } from "../../tools/index.js";
import type { OutputEvent } from "./output.js";

/** Rio's part of a built-in call item. */
export interface RioCallFields {
  tool: BuiltinToolName;
  /** The arguments as JSON text. */
  arguments: string;
  /** The result text the model read; null while the call runs. */
  output: string | null;
}

/** A run of the `code` tool. */
export interface CodeInterpreterCallItem {
  id: string;
  type: "code_interpreter_call";
  status: "in_progress" | "interpreting" | "completed" | "failed";
  code: string | null;
  /** Rio's sandboxes are not containers a client can reuse; the id names the sandbox kind. */
  container_id: string;
  outputs: { type: "logs"; logs: string }[] | null;
  rio: RioCallFields;
}

/** A run of the `search` tool (a search action) or of the `fetch` tool (an open_page action). */
export interface WebSearchCallItem {
  id: string;
  type: "web_search_call";
  status: "in_progress" | "searching" | "completed" | "failed";
  action:
    | { type: "search"; query: string; queries: string[]; sources?: { type: "url"; url: string }[] }
    | { type: "open_page"; url: string | null };
  rio: RioCallFields;
}

/** An output item of a built-in tool call. */
export type BuiltinCallItem = CodeInterpreterCallItem | WebSearchCallItem;

/** Where an item is, as its events say it. */
export interface ItemPlace {
  item_id: string;
  output_index: number;
}

const CONTAINER_ID = "rio-sandbox";

/**
 * The item of a call about to run.
 * @example
 * builtinCallItem("ci_1", { id: "call_1", name: "code", arguments: '{"language":"python","code":"6*7"}' });
 * // { id: "ci_1", type: "code_interpreter_call", status: "in_progress", code: "6*7", container_id: "rio-sandbox", outputs: null, rio: {...} }
 */
export function builtinCallItem(id: string, call: ToolCallRequest): BuiltinCallItem {
  const args = callArguments(call) ?? {};
  const rio: RioCallFields = { tool: call.name as BuiltinToolName, arguments: call.arguments, output: null };
  if (call.name === "code")
    return {
      id,
      type: "code_interpreter_call",
      status: "in_progress",
      code: typeof args.code === "string" ? args.code : null,
      container_id: CONTAINER_ID,
      outputs: null,
      rio,
    };
  const action: WebSearchCallItem["action"] =
    call.name === "fetch"
      ? { type: "open_page", url: typeof args.url === "string" ? args.url : null }
      : { type: "search", query: String(args.query ?? ""), queries: [String(args.query ?? "")] };
  return { id, type: "web_search_call", status: "in_progress", action, rio };
}

/** The item's id prefix, as OpenAI's: `ci_` for code interpreter calls, `ws_` for web search calls. */
export function itemIdPrefix(call: ToolCallRequest): string {
  return call.name === "code" ? "ci" : "ws";
}

/** Events after the item was added: it is in progress, then (with its code first) interpreting or searching. */
export function callStartEvents(item: BuiltinCallItem, place: ItemPlace): OutputEvent[] {
  if (item.type === "web_search_call") {
    item.status = "searching";
    return [
      { type: "response.web_search_call.in_progress", ...place },
      { type: "response.web_search_call.searching", ...place },
    ];
  }
  item.status = "interpreting";
  const code = item.code ?? "";
  return [
    { type: "response.code_interpreter_call.in_progress", ...place },
    ...(code ? [{ type: "response.code_interpreter_call_code.delta", ...place, delta: code }] : []),
    { type: "response.code_interpreter_call_code.done", ...place, code },
    { type: "response.code_interpreter_call.interpreting", ...place },
  ];
}

/**
 * Records the run's result in the item and returns the event that says it is done (OpenAI has no
 * "failed" event for these items: a failed run completes with status "failed").
 */
export function completeCallItem(item: BuiltinCallItem, run: ToolRun, place: ItemPlace): OutputEvent {
  item.status = run.result.isError ? "failed" : "completed";
  item.rio.output = run.result.text;
  if (item.type === "code_interpreter_call") {
    item.outputs = [{ type: "logs", logs: run.result.text }];
    return { type: "response.code_interpreter_call.completed", ...place };
  }
  if (item.action.type === "search") {
    const hits = (run.result.data as SearchData | undefined)?.results ?? [];
    item.action.sources = hits.map((hit) => ({ type: "url", url: hit.url }));
  }
  return { type: "response.web_search_call.completed", ...place };
}

/** The fields replay reads from a built-in call item, whether Rio made it or a client sent one. */
export interface CallItemFields {
  type: "code_interpreter_call" | "web_search_call";
  id: string;
  code?: string | null;
  outputs?: { logs?: string }[] | null;
  action?: { type: string; query?: string; url?: string | null };
  rio?: RioCallFields;
}

/**
 * The call an item records and the text its result gave the model. An item without Rio's field (made by
 * another server) is read from OpenAI's fields: its code and logs, or its query or page.
 * @example
 * recordedCall({ type: "code_interpreter_call", id: "ci_1", code: "6*7", outputs: [{ logs: "42" }] });
 * // { call: { id: "ci_1", name: "code", arguments: '{"language":"python","code":"6*7"}' }, output: "42" }
 */
export function recordedCall(item: CallItemFields): { call: ToolCallRequest; output: string } {
  if (item.rio)
    return {
      call: { id: item.id, name: item.rio.tool, arguments: item.rio.arguments },
      output: item.rio.output ?? "",
    };
  if (item.type === "code_interpreter_call")
    return {
      call: {
        id: item.id,
        name: "code",
        arguments: JSON.stringify({ language: "python", code: item.code ?? "" }),
      },
      output: (item.outputs ?? []).map((o) => o.logs ?? "").join("\n"),
    };
  const page = item.action?.type === "open_page";
  const args = page ? { url: item.action?.url ?? "" } : { query: item.action?.query ?? "" };
  return {
    call: { id: item.id, name: page ? "fetch" : "search", arguments: JSON.stringify(args) },
    output: "",
  };
}
