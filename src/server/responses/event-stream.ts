/**
 * @module The Responses API's server-sent events: each event is named by its `type` (`event:` line) and
 * numbered in order (`sequence_number`), so a client can tell a gap or resume after one. No `[DONE]`:
 * the stream ends after response.completed, response.incomplete or response.failed.
 */
import type { ServerResponse } from "node:http";
import type { OutputEvent } from "./output.js";

/**
 * @example
 * const events = new ResponseEventStream(reply.raw);
 * events.send({ type: "response.created", response });
 * events.end();
 */
export class ResponseEventStream {
  private sequence = 0;

  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
  }

  /** Writes one event unless the client has gone. */
  send(event: OutputEvent): void {
    if (this.res.destroyed || this.res.writableEnded) return;
    const data = JSON.stringify({ ...event, sequence_number: this.sequence++ });
    this.res.write(`event: ${event.type}\ndata: ${data}\n\n`);
  }

  end(): void {
    this.res.end();
  }
}
