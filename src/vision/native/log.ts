/**
 * @module Routes libmtmd / clip log output the way src/llama/log.ts routes llama.cpp's: silent by default,
 * everything on stderr with RIO_LLAMA_LOG=1. Error lines are also kept (the last few) so a failed call
 * can quote mtmd's own reason, e.g. an embedding width that does not match the text model.
 */
import koffi from "koffi";
import { type MtmdApi, MtmdLogCallback } from "./ffi.js";

const LEVEL_ERROR = 4;
const LEVEL_CONT = 5; // continues the previous message at its level
const KEPT_ERRORS = 20;

/** Recent mtmd error messages, oldest first, with a running count to tell new ones from old. */
export class MtmdLog {
  private readonly errors: string[] = [];
  private count = 0;

  /** A mark to pass to errorsSince. */
  mark(): number {
    return this.count;
  }

  /** Error messages logged after `mark` (at most the last KEPT_ERRORS), joined on one line. */
  errorsSince(mark: number): string {
    const fresh = Math.min(this.count - mark, this.errors.length);
    return this.errors
      .slice(this.errors.length - fresh)
      .map((m) => m.trim())
      .filter((m) => m.length > 0)
      .join("; ");
  }

  /** @internal called by the callback */
  record(text: string, continues: boolean): void {
    if (continues && this.errors.length > 0) {
      this.errors[this.errors.length - 1] += text;
      return;
    }
    this.errors.push(text);
    this.count++;
    if (this.errors.length > KEPT_ERRORS) this.errors.shift();
  }
}

/** Installs the log callback once per process; `verbose` defaults to env RIO_LLAMA_LOG === "1". */
export function installMtmdLog(api: MtmdApi, verbose = process.env.RIO_LLAMA_LOG === "1"): MtmdLog {
  const log = new MtmdLog();
  let lastLevel = 0;
  let lineStart = true;
  // Registered callbacks live until unregistered: this one stays for the life of the process, as
  // libmtmd keeps the pointer in a global.
  const callback = koffi.register((level: number, text: string | null) => {
    const continues = level === LEVEL_CONT;
    const effective = continues ? lastLevel : level;
    lastLevel = effective;
    if (!text) return;
    if (effective === LEVEL_ERROR) log.record(text, continues);
    if (!verbose) return;
    process.stderr.write(lineStart ? `[mtmd] ${text}` : text);
    lineStart = text.endsWith("\n");
  }, koffi.pointer(MtmdLogCallback));
  api.mtmd_log_set(callback, null);
  return log;
}
