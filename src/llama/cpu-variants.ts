/**
 * @module llama.cpp's CPU backend variants (`libggml-cpu-<name>.so`, one per instruction-set level) and
 * the choice among them. ggml normally loads the variant whose `ggml_backend_score()` is highest on this
 * processor; `RIO_CPU_VARIANT=<name>` makes Rio load that one alone, so a test suite can run under every
 * variant the machine can execute (their kernels sum in different orders, and so round differently).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import koffi from "koffi";
import { LlamaError } from "./errors.js";

/** One CPU backend library and what it scores on this processor. */
export interface CpuVariant {
  /** The name in `libggml-cpu-<name>.so`, e.g. "haswell", "zen4". */
  name: string;
  path: string;
  /** `ggml_backend_score()`: 0 when this processor lacks an instruction the variant was built with. */
  score: number;
}

const VARIANT_FILE = /^libggml-cpu-([a-z0-9_]+)\.(so|dylib|dll)$/;
/** Non-CPU backends of a build (libggml-cuda.so, libggml-vulkan.so, ...), loaded beside a chosen CPU variant. */
const OTHER_BACKEND_FILE = /^libggml-(?!cpu-|base\.)([a-z0-9_]+)\.(so|dylib|dll)$/;

/** The environment variable that picks a CPU variant by name. */
export const CPU_VARIANT_ENV = "RIO_CPU_VARIANT";

/**
 * The CPU variants in `dir`, each scored on this processor. Scoring opens the library and calls its
 * feature check, as ggml itself does for every variant when it picks one; the libraries stay loaded
 * (ggml's base library aborts when it is unloaded and loaded again).
 */
export function cpuVariants(dir: string): CpuVariant[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((file) => {
      const match = VARIANT_FILE.exec(file);
      return match ? [{ name: match[1], path: path.join(dir, file) }] : [];
    })
    .map(({ name, path: file }) => ({ name, path: file, score: scoreOf(file) }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
}

function scoreOf(file: string): number {
  try {
    return koffi.load(file).func("int ggml_backend_score()")() as number;
  } catch {
    return 0; // a variant that does not even load cannot run here
  }
}

/** The variant ggml's own choice lands on: the highest score (undefined when none can run). */
export function defaultCpuVariant(variants: CpuVariant[]): CpuVariant | undefined {
  const best = variants.reduce<CpuVariant | undefined>(
    (a, v) => (!a || v.score > a.score ? v : a),
    undefined,
  );
  return best && best.score > 0 ? best : undefined;
}

/**
 * The variant named `requested`, refused with a specific error when the build has no such variant or
 * this processor cannot execute it (loading it anyway would end in an illegal-instruction crash).
 */
export function pickCpuVariant(requested: string, variants: CpuVariant[]): CpuVariant {
  const runnable = variants.filter((v) => v.score > 0).map((v) => v.name);
  const found = variants.find((v) => v.name === requested);
  if (!found)
    throw new LlamaError(
      `${CPU_VARIANT_ENV}=${requested}: no such llama.cpp CPU variant; this build has ` +
        `${variants.map((v) => v.name).join(", ") || "none"} (runnable here: ${runnable.join(", ") || "none"})`,
      "cpu-variant-unsupported",
    );
  if (found.score === 0)
    throw new LlamaError(
      `${CPU_VARIANT_ENV}=${requested}: this processor lacks instructions the ${requested} variant of ` +
        `llama.cpp needs (its feature check scored 0); runnable here: ${runnable.join(", ") || "none"}`,
      "cpu-variant-unsupported",
    );
  return found;
}

/** The non-CPU backend libraries in the given folders (a GPU build's CUDA or Vulkan backend). */
export function otherBackends(dirs: string[]): string[] {
  return dirs.flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((file) => OTHER_BACKEND_FILE.test(file))
        .map((file) => path.join(dir, file));
    } catch {
      return [];
    }
  });
}
