/** @module Test helper: runs an incremental parser over every split of a string and merges text events. */

interface Incremental<E> {
  feed(delta: string): E[];
  finish(): E[];
}

/** Feeds `parts` in order, then finishes; merges adjacent events of a text kind so deltas do not matter. */
export function runParser<E extends { kind: string }>(parser: Incremental<E>, parts: string[]): E[] {
  const events: E[] = [];
  for (const part of parts) events.push(...parser.feed(part));
  events.push(...parser.finish());
  return merge(events);
}

function merge<E extends { kind: string }>(events: E[]): E[] {
  const out: E[] = [];
  for (const event of events) {
    const last = out.at(-1) as (E & { text?: string }) | undefined;
    const text = (event as E & { text?: string }).text;
    const mergeable = event.kind !== "error" && event.kind !== "tool_call";
    if (last && mergeable && last.kind === event.kind && typeof text === "string") {
      out[out.length - 1] = { ...last, text: (last.text ?? "") + text };
    } else {
      out.push({ ...event });
    }
  }
  return out;
}

/** Every way to cut `text` once or twice, plus char by char: the splits a stream can produce. */
export function splits(text: string): string[][] {
  const chars = [...text];
  const out: string[][] = [[text], chars];
  for (let i = 1; i < text.length; i++) {
    out.push([text.slice(0, i), text.slice(i)]);
    const j = Math.min(text.length - 1, i + 7);
    if (j > i) out.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return out;
}
