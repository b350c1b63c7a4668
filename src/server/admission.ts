/**
 * @module Admission control: how many generations may be in flight (running plus queued) before the server
 * answers 429, the context cells each admitted generation reserves (context-budget.ts), one abort
 * controller per admitted request (client disconnects and shutdown use it), and draining for a graceful
 * shutdown.
 */
import { setMaxListeners } from "node:events";
import { ContextBudget } from "./context-budget.js";
import { ApiError, queueFullError } from "./errors.js";

/** An admitted request: its abort signal, and `done()` to call exactly once when it ends. */
export interface Ticket {
  readonly signal: AbortSignal;
  abort(reason: Error): void;
  done(): void;
}

/** Error a request sees when the server shuts down under it. */
export class ShutdownError extends ApiError {
  constructor() {
    super(
      503,
      "the server is shutting down; the request was cancelled",
      "server_error",
      null,
      "shutting_down",
    );
  }
}

/**
 * @example
 * const admission = new Admission(64);
 * const ticket = admission.admit(1); // throws ApiError(429) when 64 generations are in flight
 * try { ... } finally { ticket.done(); }
 */
export class Admission {
  private inFlight = 0;
  private readonly tickets = new Set<Ticket>();
  private idle: (() => void)[] = [];
  private draining = false;

  /** Context cells reserved by admitted generations; undefined when the context is not tracked. */
  readonly context: ContextBudget | undefined;

  constructor(
    /** Most generations in flight (sequences plus queue). */
    readonly limit: number,
    /** Cells all sequences share (the engine's capacity): generations reserve their worst case of them. */
    contextCapacity?: number,
  ) {
    this.context = contextCapacity === undefined ? undefined : new ContextBudget(contextCapacity);
  }

  /** True once drain() began: new requests are refused. */
  get closing(): boolean {
    return this.draining;
  }

  /** Generations admitted and not yet done. */
  get generations(): number {
    return this.inFlight;
  }

  /** Admits a request running `choices` generations, or throws 503 (draining) / 429 (full). */
  admit(choices: number): Ticket {
    if (this.draining) throw new ShutdownError();
    if (this.inFlight + choices > this.limit)
      throw queueFullError(`the server is at its limit of ${this.limit} generations in flight; retry later`);
    this.inFlight += choices;
    const controller = new AbortController();
    // every choice's generation and scheduler wait listens to this one signal
    setMaxListeners(10 + 3 * choices, controller.signal);
    let finished = false;
    const ticket: Ticket = {
      signal: controller.signal,
      abort: (reason) => controller.abort(reason),
      done: () => {
        if (finished) return;
        finished = true;
        this.inFlight -= choices;
        this.tickets.delete(ticket);
        if (this.tickets.size === 0) for (const resolve of this.idle.splice(0)) resolve();
      },
    };
    this.tickets.add(ticket);
    return ticket;
  }

  /** Refuses new requests from now on, waits up to `graceMs` for running ones, then aborts the rest. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.tickets.size === 0) return;
    const idle = new Promise<void>((resolve) => this.idle.push(resolve));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    if ((await Promise.race([idle, timeout])) === "timeout") {
      for (const ticket of this.tickets) ticket.abort(new ShutdownError());
      await idle;
    }
    clearTimeout(timer);
  }
}
