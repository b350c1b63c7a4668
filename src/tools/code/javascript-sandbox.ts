/**
 * @module JavaScript runs, each in a fresh QuickJS worker thread (quickjs-worker.ts) whose Wasm memory is
 * sized for the run's memory limit; the worker ends with the run, so nothing carries over and its memory
 * goes back. Starting one takes tens of milliseconds; the next starts while a run runs, for the same limit.
 * QuickJS stops a run itself at the deadline; a worker that has not answered shortly after is terminated.
 */
import { Worker } from "node:worker_threads";
import type { RunRequest, SandboxMessage } from "./protocol.js";
import { RunCollector, type SandboxOutcome } from "./run-collector.js";

const WORKER_SCRIPT = new URL("./quickjs-worker.js", import.meta.url);
/** How long past its deadline a run may take to report before its worker is terminated. */
const GRACE_MS = 1000;
/** The worker's own JavaScript heap; a program's objects live in QuickJS's Wasm memory, not here. */
const WORKER_HEAP_MB = 64;

/**
 * Runs JavaScript programs in QuickJS, one worker per run, keeping the next worker started.
 * @example
 * const js = new JavaScriptSandbox();
 * const outcome = await js.run({ type: "run", code: "[1, 2].map((x) => x * 2)", timeMs: 2000, memoryBytes: 2 ** 26, outputBytes: 4096 }, signal);
 * outcome.value; // "[2,4]"
 * await js.close();
 */
export class JavaScriptSandbox {
  private warm?: { memoryBytes: number; worker: Promise<Worker> };
  private closed = false;

  /** Starts a worker for runs of `memoryBytes` now rather than at the first run. */
  async warmUp(memoryBytes: number): Promise<void> {
    await this.take(memoryBytes).then((worker) => this.keep(memoryBytes, worker));
  }

  async run(request: RunRequest, signal: AbortSignal): Promise<SandboxOutcome> {
    if (this.closed) throw new Error("the JavaScript sandbox is closed");
    const worker = await this.take(request.memoryBytes);
    // the next worker starts while this one runs
    if (!this.closed && !this.warm) this.keep(request.memoryBytes, startWorker(request.memoryBytes));
    try {
      return await runOn(worker, request, signal);
    } finally {
      await worker.terminate();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const warm = this.warm;
    this.warm = undefined;
    await (await warm?.worker.catch(() => undefined))?.terminate();
  }

  // the warm worker if it was made for this limit, else a new one (the warm one is let go)
  private take(memoryBytes: number): Promise<Worker> {
    const warm = this.warm;
    this.warm = undefined;
    if (warm?.memoryBytes === memoryBytes) return warm.worker;
    void warm?.worker.then(
      (worker) => worker.terminate(),
      () => undefined,
    );
    return startWorker(memoryBytes);
  }

  private keep(memoryBytes: number, worker: Worker | Promise<Worker>): void {
    const started = Promise.resolve(worker);
    this.warm = { memoryBytes, worker: started };
    // an idle worker must not keep the process alive; a failed start is reported by the run that takes it
    started.then(
      (w) => w.unref(),
      () => {
        if (this.warm?.worker === started) this.warm = undefined;
      },
    );
  }
}

function startWorker(memoryBytes: number): Promise<Worker> {
  const worker = new Worker(WORKER_SCRIPT, {
    workerData: memoryBytes,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    // the worker needs none of the server's environment
    env: {},
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`the JavaScript sandbox did not start: ${err.message}`));
    worker.once("error", onError);
    worker.once("message", () => {
      worker.off("error", onError);
      resolve(worker);
    });
  });
}

function runOn(worker: Worker, request: RunRequest, signal: AbortSignal): Promise<SandboxOutcome> {
  const collector = new RunCollector(request.outputBytes);
  worker.ref();
  return new Promise((resolve) => {
    const finish = (outcome: SandboxOutcome) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      worker.off("message", onMessage).off("error", onError).off("exit", onExit);
      resolve(outcome);
    };
    const onMessage = (message: SandboxMessage) => {
      const outcome = collector.add(message);
      if (outcome) finish(outcome);
    };
    const onError = (err: Error) => finish(collector.stopped(`the sandbox failed: ${err.message}`));
    const onExit = (code: number) => finish(collector.stopped(`the sandbox stopped (exit code ${code})`));
    const onAbort = () => finish(collector.stopped("cancelled"));
    const timer = setTimeout(
      () => finish(collector.stopped(`timed out after ${request.timeMs} ms (the run was stopped)`, true)),
      request.timeMs + GRACE_MS,
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    worker.on("message", onMessage).once("error", onError).once("exit", onExit);
    worker.postMessage(request);
  });
}
