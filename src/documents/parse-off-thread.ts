/**
 * @module Runs parse-worker.ts in a fresh worker thread with a memory cap and a deadline: a file that
 * hangs, loops or blows up its heap ends that thread, never the process.
 */
import { Worker } from "node:worker_threads";
import { DocumentError } from "./errors.js";
import type { ParseJob, ParseReply } from "./parse-worker.js";

/**
 * The pages of a PDF, DOCX or HTML file, parsed off the event loop.
 * @throws DocumentError with the worker's code, or "timeout" after `timeMs`, or "corrupt" when the thread dies
 * @example
 * await parseOffThread({ kind: "pdf", bytes, maxPages: 500, label: '"a.pdf"' }, { timeMs: 60_000, heapMb: 512 });
 */
export function parseOffThread(
  job: ParseJob,
  limits: { timeMs: number; heapMb: number },
  signal?: AbortSignal,
): Promise<{ number: number; text: string }[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./parse-worker.js", import.meta.url), {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(new DocumentError("timeout", `${job.label} took over ${limits.timeMs} ms to read`)),
        ),
      limits.timeMs,
    );
    const onAbort = () => finish(() => reject(signal?.reason ?? new Error("aborted")));
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (reply: ParseReply) =>
      finish(() =>
        "error" in reply
          ? reject(new DocumentError(reply.error.code, reply.error.message))
          : resolve(reply.pages),
      ),
    );
    worker.on("error", (error) =>
      finish(() => reject(new DocumentError("corrupt", `${job.label} could not be read: ${error.message}`))),
    );
    worker.on("exit", () =>
      finish(() =>
        reject(new DocumentError("corrupt", `${job.label} could not be read (the parser stopped)`)),
      ),
    );
  });
}
