/**
 * @module Where Rio keeps what it derives once and reuses across runs (converted GGUFs, native libraries
 * built from source): $RIO_CACHE_DIR, else ~/.cache/rio.
 */
import * as os from "node:os";
import * as path from "node:path";

/** The root of Rio's cache: env RIO_CACHE_DIR when set and non-empty, else ~/.cache/rio. */
export function rioCacheRoot(): string {
  return process.env.RIO_CACHE_DIR || path.join(os.homedir(), ".cache", "rio");
}
