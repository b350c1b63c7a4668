/**
 * @module One Python sandbox process (python-child.ts), seen from the parent: spawned with the permission
 * flags that confine it, started (from a snapshot or not), then used for exactly one run and killed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunRequest, SandboxMessage, SnapshotMessage } from "./protocol.js";
import { RunCollector, type SandboxOutcome } from "./run-collector.js";

const PYODIDE_DIR = dirname(createRequire(import.meta.url).resolve("pyodide/package.json"));
const CHILD_SCRIPT = fileURLToPath(new URL("./python-child.js", import.meta.url));
// the child imports ../text-limit.js as well as its own folder
const TOOLS_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The JavaScript heap of the sandbox process; Python's own memory is the Wasm heap, capped per run. */
const JS_HEAP_MB = 256;
const STDERR_TAIL_BYTES = 4096;

/**
 * A started sandbox process waiting for its one program.
 * @example
 * const proc = await PythonProcess.start(snapshot, 60_000);
 * const outcome = await proc.run({ type: "run", code: "1 + 1", timeMs: 5000, memoryBytes: 2 ** 28, outputBytes: 4096 }, signal);
 * outcome.value; // "2"
 */
export class PythonProcess {
  private stderrTail = "";
  /** How the process ended, once it has. */
  private exit?: { code: number | null; signal: string | null };

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    child.once("exit", (code, signal) => {
      this.exit = { code, signal };
    });
  }

  /**
   * Spawns and starts a process; resolves when it is ready to run. With no snapshot, the process loads Pyodide
   * from scratch and `onSnapshot` receives the memory image it made before anything ran.
   */
  static start(
    snapshot: Uint8Array | undefined,
    timeoutMs: number,
    onSnapshot?: (bytes: Uint8Array) => void,
  ): Promise<PythonProcess> {
    const proc = new PythonProcess(spawnChild());
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        proc.kill();
        reject(new Error(`the Python sandbox did not start: ${why}${proc.stderrSuffix()}`));
      };
      const onMessage = (message: SandboxMessage) => {
        if (message.type === "snapshot") onSnapshot?.((message as SnapshotMessage).bytes);
        if (message.type !== "ready") return;
        cleanup();
        proc.setHeld(false);
        resolve(proc);
      };
      const onExit = (code: number | null, signal: string | null) => fail(exitReason(code, signal));
      const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        proc.child.off("message", onMessage).off("exit", onExit);
      };
      proc.child.on("message", onMessage).once("exit", onExit);
      proc.child.send({ type: "start", snapshot });
    });
  }

  /** Runs the program and kills the process: at the end, at the time limit, or when `signal` aborts. */
  run(request: RunRequest, signal: AbortSignal): Promise<SandboxOutcome> {
    const collector = new RunCollector(request.outputBytes);
    this.setHeld(true);
    return new Promise((resolve) => {
      const finish = (outcome: SandboxOutcome) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.child.off("message", onMessage).off("exit", onExit);
        this.kill();
        resolve(outcome);
      };
      const onMessage = (message: SandboxMessage) => {
        const outcome = collector.add(message);
        if (outcome) finish(outcome);
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish(collector.stopped(this.crashReason(code, signal, request.memoryBytes)));
      const onAbort = () => finish(collector.stopped("cancelled"));
      const timer = setTimeout(
        () => finish(collector.stopped(`timed out after ${request.timeMs} ms (the run was stopped)`, true)),
        request.timeMs,
      );
      if (signal.aborted) return onAbort();
      if (this.exit) return onExit(this.exit.code, this.exit.signal);
      signal.addEventListener("abort", onAbort, { once: true });
      this.child.on("message", onMessage).once("exit", onExit);
      this.child.send(request);
    });
  }

  kill(): void {
    if (!this.exit) this.child.kill("SIGKILL");
  }

  /** Whether this process keeps the parent's event loop alive: only while someone waits on it. */
  setHeld(held: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stderr];
    for (const handle of handles) {
      const refable = handle as { ref?(): void; unref?(): void } | null | undefined;
      if (held) refable?.ref?.();
      else refable?.unref?.();
    }
  }

  private crashReason(code: number | null, signal: string | null, memoryBytes: number): string {
    if (/heap out of memory|Allocation failed/i.test(this.stderrTail))
      return `the sandbox ran out of memory (JavaScript heap over ${JS_HEAP_MB} MiB; Python heap limit ${memoryBytes} bytes)`;
    if (/Maximum call stack size exceeded/.test(this.stderrTail))
      return "the program overflowed the interpreter's stack (recursion too deep); the sandbox was stopped";
    return `the sandbox process died (${exitReason(code, signal)})${this.stderrSuffix()}`;
  }

  // the process's last words; what comes before them is a JavaScript stack of no use to the model
  private stderrSuffix(): string {
    const last = this.stderrTail.trim().split("\n").at(-1);
    return last ? `: ${last}` : "";
  }
}

// Node 22 renamed the flag that turns the permission model on
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has("--permission")
  ? "--permission"
  : "--experimental-permission";

function spawnChild(): ChildProcess {
  return spawn(
    process.execPath,
    [
      PERMISSION_FLAG,
      `--allow-fs-read=${PYODIDE_DIR}/`,
      `--allow-fs-read=${TOOLS_DIR}`,
      "--disallow-code-generation-from-strings",
      `--max-old-space-size=${JS_HEAP_MB}`,
      "--no-warnings",
      CHILD_SCRIPT,
      PYODIDE_DIR,
    ],
    // no inherited environment: the server's may hold API keys
    { env: {}, stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" },
  );
}

function exitReason(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
