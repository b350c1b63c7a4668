/**
 * @module ensureGguf: what the engine calls to get a GGUF for any model path. A GGUF file is used as is;
 * a Hugging Face folder is converted once into a cache keyed by a content hash of its files.
 *
 * The key is a real sha256 of every file the conversion reads (not sizes + mtimes): a copied or
 * re-downloaded folder with the same bytes reuses the cache, and an edited one never does. Hashing
 * runs at ~1.2 GB/s here, so a 1.2 GB Qwen3-0.6B folder costs about a second per start — small next
 * to loading the model, and far below a reconversion.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { rioCacheRoot } from "../cache-dir.js";
import { CheckpointError } from "../errors.js";
import { readGguf } from "../gguf/index.js";
import { convertToGguf } from "./convert.js";
import type { Quant } from "./tensor-types.js";

/** Bump when the converter's output changes for the same input, to invalidate cached files. */
const CONVERTER_VERSION = "rio-gguf-1";
const INPUT_FILES = [
  "config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "chat_template.jinja",
  "chat_template.json",
  "model.safetensors.index.json",
];

export interface EnsureGgufOptions {
  /** Rio's own tensor type, or the name of another quantisation that `write` produces. */
  quant: Quant | string;
  /**
   * Writes the GGUF of `dir` to `out` instead of convertToGguf: for quantisations Rio leaves to llama.cpp.
   * The result is cached like Rio's own conversions.
   */
  write?: (dir: string, out: string) => void;
  /** default: $RIO_CACHE_DIR, else ~/.cache/rio/gguf */
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

/** The default conversion cache folder. */
export function defaultGgufCacheDir(): string {
  // GGUFs sit at the top of $RIO_CACHE_DIR (where existing caches have them), in gguf/ under ~/.cache/rio
  return process.env.RIO_CACHE_DIR || path.join(rioCacheRoot(), "gguf");
}

/** sha256 over the names and bytes of every file a conversion of `dir` reads, plus converter version and quant. */
export function checkpointContentHash(dir: string, quant: Quant | string): string {
  const hash = createHash("sha256").update(`${CONVERTER_VERSION}\0${quant}\0`);
  const weights = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".safetensors"))
    .sort();
  const buf = Buffer.alloc(8 << 20);
  for (const name of [...INPUT_FILES, ...weights]) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    hash.update(`${name}\0${fs.statSync(file).size}\0`);
    const fd = fs.openSync(file, "r");
    try {
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        hash.update(buf.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return hash.digest("hex");
}

/**
 * Returns a GGUF path for `pathOrDir`: a GGUF file itself (after validating its header), or the cached
 * conversion of a Hugging Face folder, converting it first if needed (written to a temporary file and
 * renamed into place, so a crash never leaves a partial file under the final name).
 * @example const gguf = ensureGguf("models/Qwen3-0.6B", { quant: "q8_0" });
 */
export function ensureGguf(pathOrDir: string, opts: EnsureGgufOptions): string {
  if (!fs.existsSync(pathOrDir)) throw new CheckpointError(`${pathOrDir}: no such file or folder`, pathOrDir);
  if (fs.statSync(pathOrDir).isFile()) {
    readGguf(pathOrDir);
    return pathOrDir;
  }
  const cacheDir = opts.cacheDir ?? defaultGgufCacheDir();
  const base = path.basename(path.resolve(pathOrDir)).replace(/[^\w.-]+/g, "_");
  const target = path.join(
    cacheDir,
    `${base}-${opts.quant}-${checkpointContentHash(pathOrDir, opts.quant).slice(0, 16)}.gguf`,
  );
  if (fs.existsSync(target)) {
    try {
      readGguf(target);
      return target;
    } catch {
      // a damaged cache entry is rebuilt below
    }
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    if (opts.write) opts.write(pathOrDir, tmp);
    else convertToGguf(pathOrDir, tmp, { quant: opts.quant as Quant, onProgress: opts.onProgress });
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return target;
}
