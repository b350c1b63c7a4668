/**
 * @module Routes llama.cpp / ggml log output. By default only errors reach stderr; RIO_LLAMA_LOG=1
 * passes everything through. The callback is a registered koffi callback: messages logged from
 * llama.cpp worker threads (during async decodes) are queued to the main thread by koffi.
 */
import koffi from "koffi";
import { type LlamaApi, LogCallback } from "./ffi.js";

const LEVEL_ERROR = 4;
const LEVEL_CONT = 5; // continues the previous message at its level

type LogListener = (text: string) => void;
const listeners = new Set<LogListener>();

/**
 * Calls `listener` with every piece of llama.cpp log text, whatever the verbosity, until the returned
 * function is called: how a caller reads what llama.cpp reports allocating (e.g. "KV buffer size").
 */
export function addLlamaLogListener(listener: LogListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Installs the log filter once per process; `verbose` defaults to env RIO_LLAMA_LOG === "1". */
export function installLogFilter(api: LlamaApi, verbose = process.env.RIO_LLAMA_LOG === "1"): void {
  let lastLevel = 0;
  let lineStart = true;
  const callback = koffi.register((level: number, text: string | null) => {
    const effective = level === LEVEL_CONT ? lastLevel : level;
    lastLevel = effective;
    if (text) for (const listener of listeners) listener(text);
    if (!text || !(verbose || effective === LEVEL_ERROR)) return;
    process.stderr.write(lineStart ? `[llama.cpp] ${text}` : text);
    lineStart = text.endsWith("\n");
  }, koffi.pointer(LogCallback));
  api.llama_log_set(callback, null);
}
