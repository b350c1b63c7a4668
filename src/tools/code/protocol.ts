/**
 * @module The messages between the code tool and its sandboxes (the Python child process, the JavaScript
 * worker), and the output budget both sides keep. Plain data only: they cross process and thread boundaries.
 */
import { cutToBytes } from "../text-limit.js";

/** One program to run, with the limits that apply inside the sandbox. */
export interface RunRequest {
  type: "run";
  code: string;
  timeMs: number;
  memoryBytes: number;
  outputBytes: number;
}

/** Printed text, sent as it is written so that a run stopped at its time limit keeps what it printed. */
export interface OutputMessage {
  type: "output";
  stream: "stdout" | "stderr";
  text: string;
}

/** The end of a run: the value of the last expression (as source-like text) or the error, and byte counts. */
export interface DoneMessage {
  type: "done";
  value?: string;
  error?: string;
  /** Everything written to each stream, including what was not sent because of the output budget. */
  stdoutBytes: number;
  stderrBytes: number;
  /** Set when the sandbox itself stopped the program at its deadline. */
  timedOut?: boolean;
}

/** Python only: the memory image of a freshly loaded interpreter, made before any code ran in it. */
export interface SnapshotMessage {
  type: "snapshot";
  bytes: Uint8Array;
}

/** Python only: the first message to the sandbox process, with the snapshot to start from if there is one. */
export interface StartMessage {
  type: "start";
  snapshot?: Uint8Array;
}

/** Sent once the sandbox can take a RunRequest. */
export interface ReadyMessage {
  type: "ready";
}

export type SandboxMessage = OutputMessage | DoneMessage | SnapshotMessage | ReadyMessage;

/**
 * Counts what a stream writes and keeps its first `maxBytes`; the rest is only counted.
 * @example
 * const out = new OutputBudget(4);
 * out.take("hello"); // "hell"
 * out.take("!");     // ""
 * out.bytes;         // 6
 */
export class OutputBudget {
  bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes that still fit. */
  get room(): number {
    return Math.max(0, this.maxBytes - this.bytes);
  }

  /** The part of `text` that still fits the budget (possibly ""). */
  take(text: string): string {
    const room = this.room;
    const size = Buffer.byteLength(text);
    this.bytes += size;
    return size <= room ? text : cutToBytes(text, room);
  }

  /** Counts bytes written but never handed over (cut before they reached this budget). */
  skip(bytes: number): void {
    this.bytes += bytes;
  }

  /** The part of `chunk` that still fits the budget; it may end inside a character. */
  takeBytes(chunk: Uint8Array): Uint8Array {
    const room = this.room;
    this.bytes += chunk.length;
    return chunk.length <= room ? chunk : chunk.subarray(0, room);
  }
}
