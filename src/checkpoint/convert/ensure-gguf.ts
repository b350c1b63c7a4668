/**
 * @module ensureGguf: what the engine calls to get a GGUF for any model path. A GGUF file is used as is;
 * a Hugging Face folder is converted once into a cache keyed by a content hash of its files, and so is its
 * vision tower (the mmproj GGUF that libmtmd loads) when it has one.
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
import { convertMmproj, hasVisionTower, type MmprojType, mmprojPathFor } from "./mmproj.js";
import type { Quant } from "./tensor-types.js";

/** Bump when the converter's output changes for the same input, to invalidate cached files. */
const CONVERTER_VERSION = "rio-gguf-1";
/** The same for the mmproj converter. */
const MMPROJ_CONVERTER_VERSION = "rio-mmproj-1";
/** Files the mmproj conversion reads besides those of the text conversion. */
const MMPROJ_INPUT_FILES = ["preprocessor_config.json", "processor_config.json"];
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
  /** Also convert (and cache) the vision tower of a folder that has one (default true). */
  mmproj?: boolean;
}

/** The GGUF files of a model: the text model and, when it has a vision tower, its mmproj. */
export interface ModelGgufs {
  gguf: string;
  /** the mmproj GGUF (general.architecture "clip"), absent for text-only models */
  mmproj?: string;
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
 * renamed into place, so a crash never leaves a partial file under the final name). A folder's vision
 * tower is converted and cached too; {@link ensureModelGguf} returns its path.
 * @example const gguf = ensureGguf("models/Qwen3-0.6B", { quant: "q8_0" });
 */
export function ensureGguf(pathOrDir: string, opts: EnsureGgufOptions): string {
  return ensureModelGguf(pathOrDir, opts).gguf;
}

/**
 * {@link ensureGguf}, also returning the mmproj: for a folder with a vision tower, its cached conversion
 * (F32 when `quant` is f32, else F16, as llama.cpp's mmproj releases); for a GGUF file `x.gguf`, the
 * `x.mmproj.gguf` beside it if there is one (what `rio convert` writes).
 * @example const { gguf, mmproj } = ensureModelGguf("models/Qwen3.5-0.8B", { quant: "q8_0" });
 */
export function ensureModelGguf(pathOrDir: string, opts: EnsureGgufOptions): ModelGgufs {
  if (!fs.existsSync(pathOrDir)) throw new CheckpointError(`${pathOrDir}: no such file or folder`, pathOrDir);
  if (fs.statSync(pathOrDir).isFile()) {
    readGguf(pathOrDir);
    const mmproj = mmprojPathFor(pathOrDir);
    if (opts.mmproj === false || !fs.existsSync(mmproj)) return { gguf: pathOrDir };
    readGguf(mmproj);
    return { gguf: pathOrDir, mmproj };
  }
  const cacheDir = opts.cacheDir ?? defaultGgufCacheDir();
  const base = path.basename(path.resolve(pathOrDir)).replace(/[^\w.-]+/g, "_");
  const hash = checkpointContentHash(pathOrDir, opts.quant);
  const gguf = cached(path.join(cacheDir, `${base}-${opts.quant}-${hash.slice(0, 16)}.gguf`), (tmp) => {
    if (opts.write) opts.write(pathOrDir, tmp);
    else convertToGguf(pathOrDir, tmp, { quant: opts.quant as Quant, onProgress: opts.onProgress });
  });
  if (opts.mmproj === false || !hasVisionTower(pathOrDir)) return { gguf };
  const type: MmprojType = opts.quant === "f32" ? "f32" : "f16";
  // keyed by the text conversion's hash (which covers config.json and every weight file, hashed once)
  // plus the processor files
  const key = createHash("sha256").update(`${MMPROJ_CONVERTER_VERSION}\0${type}\0${hash}\0`);
  for (const name of MMPROJ_INPUT_FILES) {
    const file = path.join(pathOrDir, name);
    if (fs.existsSync(file)) key.update(`${name}\0`).update(fs.readFileSync(file));
  }
  const mmprojKey = key.digest("hex").slice(0, 16);
  const mmproj = cached(path.join(cacheDir, `${base}-mmproj-${type}-${mmprojKey}.gguf`), (tmp) =>
    // no progress: the caller's bar counts the text model's tensors (a tower converts in seconds)
    convertMmproj(pathOrDir, tmp, { type }),
  );
  return { gguf, mmproj };
}

/** `target` if it exists and reads as a GGUF; else written by `write` to a temporary file and renamed into place. */
function cached(target: string, write: (tmp: string) => void): string {
  if (fs.existsSync(target)) {
    try {
      readGguf(target);
      return target;
    } catch {
      // a damaged cache entry is rebuilt below
    }
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    write(tmp);
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return target;
}
