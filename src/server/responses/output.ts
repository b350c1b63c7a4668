/**
 * @module One response's output items, built from the same deltas chat completions streams (reasoning
 * text, answer text, tool calls and the pieces of their arguments), with the Responses API events that
 * announce them: an item is added, its content part opened, its text (or a call's arguments, as
 * `function_call_arguments.delta` events) streamed, then each is closed in reverse order. Items come in
 * the order the model wrote them: a reasoning item, a message item, function call items; with built-in
 * tools, each run's item (builtin-items.ts) and then the next generation's items. Pure: no I/O.
 */
import { randomBytes } from "node:crypto";
import type { ToolCallRequest, ToolRun } from "../../agent/index.js";
import type { ChatDelta, ToolCallDelta } from "../chat-output.js";
import {
  type BuiltinCallItem,
  builtinCallItem,
  callStartEvents,
  completeCallItem,
  itemIdPrefix,
} from "./builtin-items.js";

/** An item's state: open while streaming, incomplete when the token limit cut it. */
export type ItemStatus = "in_progress" | "completed" | "incomplete";

/** The model's reasoning (the think block) as readable text. */
export interface ReasoningItem {
  id: string;
  type: "reasoning";
  summary: { type: "summary_text"; text: string }[];
  content: { type: "reasoning_text"; text: string }[];
  status: ItemStatus;
}

/** The answer text. */
export interface MessageItem {
  id: string;
  type: "message";
  role: "assistant";
  status: ItemStatus;
  content: { type: "output_text"; text: string; annotations: []; logprobs: [] }[];
}

/** A call of a client-defined function; `arguments` is a JSON string. */
export interface FunctionCallItem {
  id: string;
  type: "function_call";
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
}

/** An item of a response's `output`. */
export type OutputItem = ReasoningItem | MessageItem | FunctionCallItem | BuiltinCallItem;

/** A streaming event before the stream numbers it: its `type` is also the SSE event name. */
export type OutputEvent = { type: string } & Record<string, unknown>;

const itemId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;

/**
 * @example
 * const out = new ResponseOutput();
 * out.push({ reasoning_content: "hm" }); // output_item.added, content_part.added, reasoning_text.delta
 * out.push({ content: "\n\nHi" });        // reasoning closed; message item added, output_text.delta "Hi"
 * out.finish(false);                      // output_text.done, content_part.done, output_item.done
 * out.items; // [reasoning item, message item]
 */
export class ResponseOutput {
  readonly items: OutputItem[] = [];
  private open: ReasoningItem | MessageItem | FunctionCallItem | undefined;
  /** Function call items by their chat tool call index. */
  private readonly functionCalls = new Map<number, FunctionCallItem>();
  /** Answer text that is only whitespace so far (the blank line after the think block): no item yet. */
  private blank = "";
  /** Items of the built-in calls running now, by call id. */
  private readonly running = new Map<string, BuiltinCallItem>();

  /** The events for one delta. */
  push(delta: ChatDelta): OutputEvent[] {
    const events: OutputEvent[] = [];
    if (delta.reasoning_content) this.appendReasoning(delta.reasoning_content, events);
    if (delta.content) this.appendText(delta.content, events);
    for (const call of delta.tool_calls ?? []) this.addCallPiece(call, events);
    return events;
  }

  /**
   * Closes the open item; `cut` when the token limit ended the output (a text item is then incomplete),
   * `callCut` when the open function call never completed (its item is then incomplete).
   */
  finish(cut: boolean, callCut = false): OutputEvent[] {
    const events: OutputEvent[] = [];
    const incomplete = this.open?.type === "function_call" ? callCut : cut;
    this.close(incomplete ? "incomplete" : "completed", events);
    return events;
  }

  /** Adds the item of a built-in call about to run. */
  startCall(call: ToolCallRequest): OutputEvent[] {
    const events: OutputEvent[] = [];
    this.close("completed", events);
    this.blank = "";
    const item = builtinCallItem(itemId(itemIdPrefix(call)), call);
    this.add(item, copy(item), events);
    events.push(...callStartEvents(item, this.where(item)));
    this.running.set(call.id, item);
    return events;
  }

  /** Completes the item of a built-in call with its result. */
  finishCall(run: ToolRun): OutputEvent[] {
    const item = this.running.get(run.call.id);
    if (!item) throw new Error(`no built-in call ${run.call.id} is running`);
    this.running.delete(run.call.id);
    const place = this.where(item);
    return [
      completeCallItem(item, run, place),
      { type: "response.output_item.done", output_index: place.output_index, item: copy(item) },
    ];
  }

  private appendReasoning(text: string, events: OutputEvent[]): void {
    if (this.open?.type !== "reasoning")
      this.openItem(
        {
          id: itemId("rs"),
          type: "reasoning",
          summary: [],
          content: [{ type: "reasoning_text", text: "" }],
          status: "in_progress",
        },
        events,
      );
    this.appendToOpen("response.reasoning_text.delta", text, {}, events);
  }

  private appendText(text: string, events: OutputEvent[]): void {
    if (this.open?.type !== "message") {
      this.blank += text;
      text = this.blank.trimStart();
      if (text === "") return;
      this.blank = "";
      this.openItem(
        {
          id: itemId("msg"),
          type: "message",
          role: "assistant",
          status: "in_progress",
          content: [{ type: "output_text", text: "", annotations: [], logprobs: [] }],
        },
        events,
      );
    }
    this.appendToOpen("response.output_text.delta", text, { logprobs: [] }, events);
  }

  /** Closes the open item and opens `item`, whose one content part is announced after the item. */
  private openItem(item: ReasoningItem | MessageItem, events: OutputEvent[]): void {
    this.close("completed", events);
    this.add(item, { ...copy(item), content: [] }, events);
    this.open = item;
    events.push(this.partEvent("response.content_part.added", item));
  }

  private appendToOpen(type: string, text: string, extra: object, events: OutputEvent[]): void {
    const item = this.open as ReasoningItem | MessageItem;
    item.content[0].text += text;
    events.push({ type, ...this.where(item), content_index: 0, delta: text, ...extra });
  }

  /** Opens a function call item on a call's first piece; later pieces stream its arguments. */
  private addCallPiece(piece: ToolCallDelta, events: OutputEvent[]): void {
    if (piece.id !== undefined) {
      this.close("completed", events);
      this.blank = "";
      const item: FunctionCallItem = {
        id: itemId("fc"),
        type: "function_call",
        call_id: piece.id,
        name: piece.function.name ?? "",
        arguments: "",
        status: "in_progress",
      };
      this.add(item, copy(item), events);
      this.open = item;
      this.functionCalls.set(piece.index, item);
    }
    const item = this.functionCalls.get(piece.index);
    if (!item || !piece.function.arguments) return;
    item.arguments += piece.function.arguments;
    events.push({
      type: "response.function_call_arguments.delta",
      ...this.where(item),
      delta: piece.function.arguments,
    });
  }

  /** Adds `item` to the output; the event shows it as `announced` (before its text or arguments). */
  private add(item: OutputItem, announced: OutputItem, events: OutputEvent[]): void {
    this.items.push(item);
    events.push({ type: "response.output_item.added", output_index: this.items.length - 1, item: announced });
  }

  private close(status: ItemStatus, events: OutputEvent[]): void {
    const item = this.open;
    if (!item) return;
    this.open = undefined;
    if (item.type === "function_call") {
      const { name, arguments: args } = item;
      events.push({
        type: "response.function_call_arguments.done",
        ...this.where(item),
        name,
        arguments: args,
      });
      this.done(item, status, events);
      return;
    }
    const where = { ...this.where(item), content_index: 0 };
    if (item.type === "reasoning")
      events.push({ type: "response.reasoning_text.done", ...where, text: item.content[0].text });
    else
      events.push({ type: "response.output_text.done", ...where, text: item.content[0].text, logprobs: [] });
    events.push(this.partEvent("response.content_part.done", item));
    this.done(item, status, events);
  }

  private done(
    item: ReasoningItem | MessageItem | FunctionCallItem,
    status: ItemStatus,
    events: OutputEvent[],
  ): void {
    item.status = status;
    events.push({
      type: "response.output_item.done",
      output_index: this.items.indexOf(item),
      item: copy(item),
    });
  }

  private partEvent(type: string, item: ReasoningItem | MessageItem): OutputEvent {
    return { type, ...this.where(item), content_index: 0, part: { ...item.content[0] } };
  }

  private where(item: OutputItem) {
    return { item_id: item.id, output_index: this.items.indexOf(item) };
  }
}

/** Events carry the item as it was then; the item itself keeps changing. */
function copy<T extends OutputItem>(item: T): T {
  return structuredClone(item);
}
