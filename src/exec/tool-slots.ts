/**
 * @module How many external tools run at once in this process: each (ffmpeg, pocketsphinx) takes a core,
 * so a burst of requests with audio or video must queue for slots instead of starting a process each.
 */
import { availableParallelism } from "node:os";

/** A counting semaphore; waiters are served in arrival order. */
export class ToolSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Tools running now, and runs waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Resolves with a release function once a slot is free; rejects with `onTimeout()` after `timeMs`, or
   * with the signal's reason when it aborts first (the place in the queue is given up either way).
   */
  acquire(timeMs: number, onTimeout: () => Error, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const release = once(() => {
      this.running--;
      this.waiting.shift()?.();
    });
    if (this.running < this.size) {
      this.running++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.running++;
        resolve(release);
      };
      const leave = (error: unknown) => {
        const index = this.waiting.indexOf(start);
        if (index >= 0) this.waiting.splice(index, 1);
        signal?.removeEventListener("abort", onAbort);
        reject(error);
      };
      const timer = setTimeout(() => leave(onTimeout()), timeMs);
      const onAbort = () => {
        clearTimeout(timer);
        leave(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(start);
    });
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

/** The process's slots: one per core the process may use, at least two. */
export const TOOL_SLOTS = new ToolSlots(Math.max(2, availableParallelism()));
