/**
 * @module The Python sandbox process, started by python-sandbox.ts under Node's permission model (reads of the
 * Pyodide package and this folder only, no writes, no child processes, workers or addons) with code
 * generation from strings disabled and an empty environment. It loads Pyodide (from a memory snapshot when
 * the parent has one), seals the bridge to JavaScript, runs one program and exits: no state outlives a run.
 *
 * Protocol: parent sends StartMessage, child answers SnapshotMessage (first child only) and ReadyMessage;
 * parent sends RunRequest, child streams OutputMessages and ends with a DoneMessage.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { PyodideAPI, PyodideConfig } from "pyodide";
import { lockDownHost } from "./host-lockdown.js";
import {
  type DoneMessage,
  OutputBudget,
  type RunRequest,
  type SandboxMessage,
  type StartMessage,
} from "./protocol.js";

type CreateModule = NonNullable<PyodideConfig["createPyodideModule"]>;
/** The parts of Emscripten's module settings this file touches. */
interface EmscriptenModule {
  instantiateWasm(imports: { env: Record<string, unknown> }, done: (...args: unknown[]) => void): unknown;
  HEAPU8: Uint8Array;
  growMemory(bytes: number): number | undefined;
}

// Module _rio_driver, installed before the snapshot so its imports are done once: run(source) runs a program
// in a fresh namespace and returns JSON [repr of the last expression or null, traceback or null]. Frames of
// Pyodide's own eval machinery are dropped so the traceback starts at the program.
const DRIVER = `
import json, sys, traceback
from pyodide.code import eval_code

def run(source):
    value = error = None
    try:
        result = eval_code(source, {"__name__": "__main__"}, filename="<code>")
        if result is not None:
            value = repr(result)
    except BaseException as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != "<code>":
            tb = tb.tb_next
        error = "".join(traceback.format_exception(type(exc), exc, tb))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return json.dumps([value, error])
`;

const send = (message: SandboxMessage, then?: () => void) =>
  process.send?.(message, undefined, undefined, then);

/** Wasm heap ceiling of the current run; unlimited while Pyodide loads. */
let heapLimit = Number.POSITIVE_INFINITY;

// Emscripten asks the JS import emscripten_resize_heap for more memory whenever malloc runs out; refusing
// makes malloc return NULL, which Python raises as a MemoryError the program (and this process) survives.
async function heapCappedModule(pyodideDir: string): Promise<CreateModule> {
  const { default: create } = await import(pathToFileURL(join(pyodideDir, "pyodide.asm.mjs")).href);
  return (settings) => {
    const module = settings as unknown as EmscriptenModule;
    const instantiate = module.instantiateWasm;
    module.instantiateWasm = (imports, done) => {
      imports.env.emscripten_resize_heap = (requested: number) => growHeap(module, requested >>> 0);
      return instantiate(imports, done);
    };
    return create(settings);
  };
}

function growHeap(module: EmscriptenModule, requested: number): number {
  if (requested > heapLimit) return 0;
  const current = module.HEAPU8.length;
  // grow by a fifth at least, as Emscripten does, so a growing list does not grow the heap on every append
  const target = Math.min(heapLimit, Math.max(requested, current + current / 5));
  return module.growMemory(target) ? 1 : 0;
}

async function loadInterpreter(pyodideDir: string, snapshot: Uint8Array | undefined): Promise<PyodideAPI> {
  const { loadPyodide } = (await import(
    pathToFileURL(join(pyodideDir, "pyodide.mjs")).href
  )) as typeof import("pyodide");
  return loadPyodide({
    indexURL: `${pyodideDir}/`,
    // `import js` sees this empty object instead of globalThis
    jsglobals: Object.create(null),
    // Emscripten would set $_ to this script's path on the host
    env: { _: "/usr/bin/python3" },
    createPyodideModule: await heapCappedModule(pyodideDir),
    // a copy: the snapshot arrives as a view at an offset Pyodide cannot read 32-bit words from
    ...(snapshot ? { _loadSnapshot: new Uint8Array(snapshot) } : { _makeSnapshot: true }),
  });
}

// `pyodide_js` is the whole Pyodide API (its file systems, package loader and sockets); programs get no way to it
function sealBridge(py: PyodideAPI): void {
  py.unregisterJsModule("pyodide_js");
  py.runPython(
    "import sys\nfor name in [m for m in sys.modules if m.split('.')[0] == 'pyodide_js']: del sys.modules[name]",
  );
  py.setStdin({ error: true });
}

function runProgram(py: PyodideAPI, run: (source: string) => string, request: RunRequest): DoneMessage {
  heapLimit = request.memoryBytes;
  const stdout = streamTo(py, "stdout", new OutputBudget(request.outputBytes));
  const stderr = streamTo(py, "stderr", new OutputBudget(request.outputBytes));
  const [value, error] = JSON.parse(run(request.code)) as [string | null, string | null];
  return {
    type: "done",
    ...(value === null ? {} : { value }),
    ...(error === null ? {} : { error }),
    stdoutBytes: stdout.bytes,
    stderrBytes: stderr.bytes,
  };
}

// Python's own buffering hands over 8 KiB blocks; only the part within budget is decoded and sent
function streamTo(py: PyodideAPI, stream: "stdout" | "stderr", budget: OutputBudget): OutputBudget {
  const decoder = new TextDecoder();
  const writer = {
    write(chunk: Uint8Array) {
      const text = decoder.decode(budget.takeBytes(chunk), { stream: true });
      if (text) send({ type: "output", stream, text });
      return chunk.length;
    },
  };
  if (stream === "stdout") py.setStdout(writer);
  else py.setStderr(writer);
  return budget;
}

function installDriver(py: PyodideAPI): void {
  const module = py.pyimport("types").ModuleType("_rio_driver");
  py.runPython(DRIVER, { globals: module.__dict__ });
  py.pyimport("sys").modules.set("_rio_driver", module);
}

async function main(): Promise<void> {
  lockDownHost();
  const pyodideDir = process.argv[2];
  const start = await nextMessage<StartMessage>();
  const py = await loadInterpreter(pyodideDir, start.snapshot);
  if (!start.snapshot) {
    installDriver(py);
    send({ type: "snapshot", bytes: py.makeMemorySnapshot() });
  }
  sealBridge(py);
  const run = py.pyimport("_rio_driver").run as (source: string) => string;
  send({ type: "ready" });
  const request = await nextMessage<RunRequest>();
  send(runProgram(py, run, request), () => process.exit(0));
}

function nextMessage<M>(): Promise<M> {
  return new Promise((resolve) => process.once("message", (message) => resolve(message as M)));
}

main().catch((err: Error) => {
  process.stderr.write(`python sandbox: ${err.message}\n`);
  process.exit(1);
});
