/**
 * @module Runs an external tool (ffmpeg, ffprobe, pocketsphinx) as a child process: an argument array and
 * no shell, a time limit, a cap on what it may write to stdout and an abort signal, and at most one run
 * per core at a time (the others wait their turn within their time limit: see tool-slots.ts). The work
 * happens in the child, off Node's event loop; the caller turns a ToolRunError into its own refusal.
 */
import { spawn } from "node:child_process";
import { TOOL_SLOTS } from "./tool-slots.js";

/** Why a tool run failed before it could finish. */
export type ToolRunErrorCode = "not-found" | "timeout" | "too-much-output";

/** A tool that could not be started, ran past its time limit or wrote more than allowed. */
export class ToolRunError extends Error {
  constructor(
    message: string,
    readonly code: ToolRunErrorCode,
  ) {
    super(message);
    this.name = "ToolRunError";
  }
}

/** Limits of one run. */
export interface RunToolOptions {
  /** Time limit in milliseconds (default 60 000). */
  timeMs?: number;
  /** Most bytes the tool may write to stdout; beyond them it is killed. */
  maxBytes: number;
  signal?: AbortSignal;
}

/** A finished run: its exit code, stdout and the last lines of its stderr (see tidyStderr). */
export interface ToolRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** A tool's last error lines without ffmpeg's context addresses (`[png_pipe @ 0x55…] `) or the temporary path. */
export const tidyStderr = (stderr: string): string =>
  stderr
    .trim()
    .split("\n")
    .slice(-3)
    .map((line) => line.replace(/\[[^\]]* @ 0x[0-9a-f]+\] /g, "").replace(/^\/\S*\/input: /, ""))
    .join("; ");

/**
 * Runs `command` with `args` (no shell); resolves with its exit code whatever it is.
 * @throws ToolRunError when the command is not found, takes longer than `timeMs` or writes more than
 *   `maxBytes`; the abort signal's reason when aborted
 * @example
 * const run = await runTool("ffmpeg", ["-version"], { maxBytes: 1 << 16, timeMs: 5000 });
 * run.code; // 0
 */
export async function runTool(command: string, args: string[], opts: RunToolOptions): Promise<ToolRun> {
  const timeMs = opts.timeMs ?? 60_000;
  const queued = performance.now();
  const release = await TOOL_SLOTS.acquire(
    timeMs,
    () =>
      new ToolRunError(
        `${command} waited ${timeMs} ms for a free slot (${TOOL_SLOTS.size} tools run at once)`,
        "timeout",
      ),
    opts.signal,
  );
  try {
    // the wait counts against the time limit: a run never takes longer than timeMs in all
    return await spawnTool(command, args, opts, Math.max(1, timeMs - (performance.now() - queued)));
  } finally {
    release();
  }
}

function spawnTool(command: string, args: string[], opts: RunToolOptions, leftMs: number): Promise<ToolRun> {
  const timeMs = opts.timeMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let failure: Error | undefined;
    const stop = (why: Error) => {
      failure ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => stop(new ToolRunError(`${command} took longer than ${timeMs} ms`, "timeout")),
      leftMs,
    );
    const onAbort = () => stop(opts.signal?.reason ?? new Error("aborted"));
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > opts.maxBytes)
        stop(
          new ToolRunError(
            `${command} wrote more than the ${opts.maxBytes} bytes expected`,
            "too-much-output",
          ),
        );
      else out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString("utf8")).slice(-2000);
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      failure ??= e.code === "ENOENT" ? new ToolRunError(`${command} was not found`, "not-found") : e;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (failure) reject(failure);
      else resolve({ code, stdout: Buffer.concat(out), stderr: tidyStderr(err) });
    });
  });
}
