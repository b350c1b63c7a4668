/**
 * @module Context reservations: every sequence shares one KV space of `capacity` cells (the scheduler
 * fails a step with context_full when it runs out), so each admitted generation first reserves its worst
 * case (prompt rows + max tokens) and keeps it until it ends. Reservations never exceed the capacity, so
 * no running generation can run out of cells because of another; one that does not fit now waits, first
 * come first served, until enough is released.
 */
import { ApiError } from "./errors.js";

/** Cells held for one generation (or one agent answer's generations); release() exactly once when done. */
export interface Reservation {
  readonly rows: number;
  release(): void;
}

interface Waiter {
  rows: number;
  grant(reservation: Reservation): void;
}

/**
 * @example
 * const budget = new ContextBudget(4096);
 * const hold = await budget.reserve(prompt.length + maxTokens, signal); // waits while others hold too much
 * try { ... } finally { hold.release(); }
 */
export class ContextBudget {
  private held = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    /** Cells shared by all sequences (the engine's capacity). */
    readonly capacity: number,
  ) {}

  /** Cells reserved by running generations. */
  get reserved(): number {
    return this.held;
  }

  /** Generations waiting for cells. */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Reserves `rows` cells: at once when they are free and nobody waits, else after the earlier waiters.
   * Rejects with the signal's reason when aborted while waiting, and with 400 when `rows` exceeds the
   * capacity (the request checks make that impossible; this guards the invariant).
   */
  reserve(rows: number, signal?: AbortSignal): Promise<Reservation> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!Number.isInteger(rows) || rows < 1 || rows > this.capacity)
      return Promise.reject(
        new ApiError(
          400,
          `the request needs ${rows} context positions; the server's context holds ${this.capacity}`,
          "invalid_request_error",
          null,
          "context_length_exceeded",
        ),
      );
    if (this.queue.length === 0 && this.held + rows <= this.capacity) return Promise.resolve(this.take(rows));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { rows, grant: resolve };
      this.queue.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.queue.indexOf(waiter);
          if (index < 0) return;
          this.queue.splice(index, 1);
          reject(signal.reason);
          this.grantWaiting(); // the head may have been what blocked the others
        },
        { once: true },
      );
    });
  }

  private take(rows: number): Reservation {
    this.held += rows;
    let released = false;
    return {
      rows,
      release: () => {
        if (released) return;
        released = true;
        this.held -= rows;
        this.grantWaiting();
      },
    };
  }

  /** Grants waiters in arrival order while the head fits (no overtaking: a large request cannot starve). */
  private grantWaiting(): void {
    while (this.queue.length > 0 && this.held + this.queue[0].rows <= this.capacity) {
      const waiter = this.queue.shift() as Waiter;
      waiter.grant(this.take(waiter.rows));
    }
  }
}
