/**
 * @module Python runs, each in a fresh sandbox process. Loading Pyodide from scratch takes seconds, so the
 * first process also makes a memory snapshot of the loaded interpreter (before any program ran), and later
 * processes start from it in a fraction of that (under a second). While one process runs a program, the
 * next one starts, so a run rarely waits.
 */
import type { RunRequest } from "./protocol.js";
import { PythonProcess } from "./python-process.js";
import type { SandboxOutcome } from "./run-collector.js";

/** Loading without a snapshot takes ~3 s on one busy core; this only catches a process that hangs. */
const START_TIMEOUT_MS = 60_000;

/**
 * Runs Python programs, one process per run, keeping the next process started.
 * @example
 * const python = new PythonSandbox();
 * const outcome = await python.run({ type: "run", code: "print(6 * 7)", timeMs: 5000, memoryBytes: 2 ** 28, outputBytes: 4096 }, signal);
 * outcome.stdout; // "42\n"
 * await python.close();
 */
export class PythonSandbox {
  private snapshot?: Uint8Array;
  private warm?: Promise<PythonProcess>;
  private closed = false;

  /** Starts the warm process now rather than at the first run. */
  async warmUp(): Promise<void> {
    this.warm ??= this.start();
    await this.warm;
  }

  async run(request: RunRequest, signal: AbortSignal): Promise<SandboxOutcome> {
    if (this.closed) throw new Error("the Python sandbox is closed");
    const next = this.warm ?? this.start();
    this.warm = undefined;
    const proc = await next;
    // the next process starts while this one runs; by now the snapshot it starts from exists
    this.keepWarm();
    return proc.run(request, signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    const warm = this.warm;
    this.warm = undefined;
    (await warm?.catch(() => undefined))?.kill();
  }

  private keepWarm(): void {
    if (this.closed || this.warm) return;
    const warm = this.start();
    this.warm = warm;
    // a failed start is reported by the run that takes it; a later run then starts afresh
    warm.catch(() => {
      if (this.warm === warm) this.warm = undefined;
    });
  }

  private async start(): Promise<PythonProcess> {
    const proc = await PythonProcess.start(this.snapshot, START_TIMEOUT_MS, (bytes) => {
      this.snapshot ??= bytes;
    });
    if (this.closed) {
      proc.kill();
      throw new Error("the Python sandbox is closed");
    }
    return proc;
  }
}
