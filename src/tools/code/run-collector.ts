/**
 * @module Gathers one sandbox run on the parent side: printed text as it arrives (kept within the output
 * budget again, whatever the sandbox sends), then either the sandbox's DoneMessage or the reason the parent
 * stopped it (time limit, cancellation, a crash).
 */
import { OutputBudget, type SandboxMessage } from "./protocol.js";

/** Everything a run produced; `error` is set when it failed or was stopped. */
export interface SandboxOutcome {
  stdout: string;
  stderr: string;
  /** Bytes each stream received in all, including what the budget left out. */
  stdoutBytes: number;
  stderrBytes: number;
  /** The last expression's value, as source-like text (Python repr, JSON for JavaScript). */
  value?: string;
  error?: string;
  /** Set when the run was stopped at its time limit. */
  timedOut: boolean;
}

/**
 * Feed it the sandbox's messages; `outcome()` when it said done, `stopped(reason)` when the parent ended it.
 * @example
 * const run = new RunCollector(1024);
 * run.add({ type: "output", stream: "stdout", text: "hi\n" });
 * run.stopped("timed out after 100 ms", true); // { stdout: "hi\n", error: "timed out after 100 ms", timedOut: true, ... }
 */
export class RunCollector {
  private readonly out: OutputBudget;
  private readonly err: OutputBudget;
  private stdout = "";
  private stderr = "";

  constructor(outputBytes: number) {
    this.out = new OutputBudget(outputBytes);
    this.err = new OutputBudget(outputBytes);
  }

  /** Takes one message; returns the outcome when it was the DoneMessage. */
  add(message: SandboxMessage): SandboxOutcome | undefined {
    if (message.type === "output") {
      if (message.stream === "stdout") this.stdout += this.out.take(message.text);
      else this.stderr += this.err.take(message.text);
      return undefined;
    }
    if (message.type !== "done") return undefined;
    return {
      stdout: this.stdout,
      stderr: this.stderr,
      stdoutBytes: Math.max(message.stdoutBytes, this.out.bytes),
      stderrBytes: Math.max(message.stderrBytes, this.err.bytes),
      ...(message.value === undefined ? {} : { value: message.value }),
      ...(message.error === undefined ? {} : { error: message.error }),
      timedOut: message.timedOut === true,
    };
  }

  /** The outcome of a run the parent ended, with what it printed until then. */
  stopped(reason: string, timedOut = false): SandboxOutcome {
    return {
      stdout: this.stdout,
      stderr: this.stderr,
      stdoutBytes: this.out.bytes,
      stderrBytes: this.err.bytes,
      error: reason,
      timedOut,
    };
  }
}
