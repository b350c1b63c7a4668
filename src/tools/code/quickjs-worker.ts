/**
 * @module The JavaScript sandbox: a worker thread running QuickJS compiled to WebAssembly, for one program.
 * QuickJS's memory limit gives a catchable "out of memory" for most allocations, but not all of them (strings
 * built by concatenation escape its count), so the Wasm memory itself is given a maximum: the limit plus
 * QuickJS's own base. An interrupt handler stops the program at its deadline. The only host function it
 * can reach is the console's write; QuickJS has no network, file or timer API of its own, and none is added.
 *
 * Protocol: `workerData` is the memory limit in bytes; the worker posts ReadyMessage once QuickJS is loaded,
 * then for its one RunRequest posts OutputMessages and a DoneMessage.
 */
import { parentPort, workerData } from "node:worker_threads";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  shouldInterruptAfterDeadline,
} from "quickjs-emscripten-core";
import { type DoneMessage, OutputBudget, type RunRequest, type SandboxMessage } from "./protocol.js";

/** QuickJS's own stack bound, so deep recursion is a RangeError rather than a Wasm stack overflow. */
const STACK_BYTES = 512 * 1024;
/** Frames of a stack trace shown with an error. */
const STACK_LINES = 12;

// Installs console.{log,info,debug,warn,error} over the host's write(stream, text, fullLength) and returns the
// function that renders a value. Text past the budget is cut in here, so a 100 MB string never leaves QuickJS.
const PRELUDE = `(write, room) => {
  const show = (value) => {
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "function") return "[Function " + (value.name || "(anonymous)") + "]";
    if (typeof value === "bigint") return value + "n";
    if (typeof value === "symbol" || value === undefined) return String(value);
    if (value instanceof Error) return value.name + ": " + value.message;
    try { return JSON.stringify(value) ?? String(value); } catch { return String(value); }
  };
  const print = (stream) => (...args) => {
    const text = args.map((a) => (typeof a === "string" ? a : show(a))).join(" ") + "\\n";
    const part = text.length > room ? text.slice(0, room) : text;
    room -= part.length;
    write(stream, part, text.length);
  };
  globalThis.console = { log: print(1), info: print(1), debug: print(1), warn: print(2), error: print(2) };
  return show;
}`;

const port = parentPort;
if (!port) throw new Error("quickjs-worker.js runs as a worker thread");
const post = (message: SandboxMessage) => port.postMessage(message);

const PAGE = 65536;
/** Wasm memory QuickJS starts with (its build's INITIAL_MEMORY): code, stack and its own bookkeeping. */
const BASE_BYTES = 16 * 2 ** 20;
const memory = new WebAssembly.Memory({
  initial: BASE_BYTES / PAGE,
  maximum: Math.ceil((BASE_BYTES + (workerData as number)) / PAGE),
});
// The package's one .d.ts describes its CommonJS build; as ESM its default export is the variant itself.
const release = (await import("@jitl/quickjs-wasmfile-release-sync"))
  .default as unknown as QuickJSSyncVariant;
const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(release, { wasmMemory: memory }));

port.once("message", (request: RunRequest) => post(runProgram(request)));
post({ type: "ready" });

// The worker ends with its one run and QuickJS's memory goes with it, so nothing is disposed here: a
// runtime stopped by running out of memory can fail its own teardown, and the result would be lost.
function runProgram(request: RunRequest): DoneMessage {
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(request.memoryBytes);
  runtime.setMaxStackSize(STACK_BYTES);
  const deadline = Date.now() + request.timeMs;
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
  const vm = runtime.newContext();
  const budgets = {
    stdout: new OutputBudget(request.outputBytes),
    stderr: new OutputBudget(request.outputBytes),
  };
  const show = installConsole(vm, budgets, request.outputBytes);
  const outcome = settle(runtime, vm, vm.evalCode(request.code, "code.js"));
  const done: DoneMessage = {
    type: "done",
    stdoutBytes: budgets.stdout.bytes,
    stderrBytes: budgets.stderr.bytes,
  };
  if ("error" in outcome) {
    const late = Date.now() >= deadline;
    done.error = describeError(vm, outcome.error, request, late);
    done.timedOut = late && done.error.startsWith("timed out");
  } else if (outcome.value) done.value = render(vm, show, outcome.value);
  return done;
}

function installConsole(
  vm: QuickJSContext,
  budgets: Record<"stdout" | "stderr", OutputBudget>,
  room: number,
) {
  const write = vm.newFunction("write", (streamHandle, partHandle, lengthHandle) => {
    const stream = vm.getNumber(streamHandle) === 2 ? "stderr" : "stdout";
    const part = vm.getString(partHandle);
    const kept = budgets[stream].take(part);
    budgets[stream].skip(vm.getNumber(lengthHandle) - part.length);
    if (kept) post({ type: "output", stream, text: kept });
  });
  const prelude = vm.unwrapResult(vm.evalCode(PRELUDE, "prelude.js"));
  return vm.unwrapResult(vm.callFunction(prelude, vm.undefined, write, vm.newNumber(room)));
}

// A program's completion value may be a promise (an async IIFE); run its jobs and take what it settled to
function settle(
  runtime: QuickJSRuntime,
  vm: QuickJSContext,
  result: ReturnType<QuickJSContext["evalCode"]>,
): { value?: QuickJSHandle } | { error: QuickJSHandle } {
  if (result.error) return { error: result.error };
  const jobs = runtime.executePendingJobs();
  if (jobs.error) return { error: jobs.error };
  const state = vm.getPromiseState(result.value);
  if (state.type === "fulfilled") return { value: state.value };
  if (state.type === "rejected") return { error: state.error };
  return {
    error: vm.newString("the program's promise never settled (there are no timers or I/O to wait for)"),
  };
}

function render(vm: QuickJSContext, show: QuickJSHandle, value: QuickJSHandle): string | undefined {
  if (vm.typeof(value) === "undefined") return undefined;
  const shown = vm.callFunction(show, vm.undefined, value);
  return shown.error ? "(a value that could not be shown)" : vm.getString(shown.value);
}

function describeError(vm: QuickJSContext, error: QuickJSHandle, request: RunRequest, late: boolean): string {
  const dumped = vm.dump(error) as { name?: string; message?: string; stack?: string } | string | null;
  if (dumped === null)
    return `uncaught null (QuickJS throws null when it runs out of memory; the limit is ${request.memoryBytes} bytes)`;
  if (typeof dumped !== "object") return `uncaught ${JSON.stringify(dumped)}`;
  if (dumped.message === "out of memory")
    return `out of memory (the limit is ${request.memoryBytes} bytes; the run was stopped)`;
  if (late && dumped.message === "interrupted")
    return `timed out after ${request.timeMs} ms (the run was stopped)`;
  // a stack overflow's trace repeats one frame thousands of times
  const stack = dumped.stack?.trimEnd().split("\n").slice(0, STACK_LINES).join("\n");
  return `${dumped.name ?? "Error"}: ${dumped.message ?? ""}${stack ? `\n${stack}` : ""}`;
}
