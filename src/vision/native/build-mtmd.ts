/**
 * @module ensureMtmdLibrary: libmtmd (llama.cpp's multimodal library), which the prebuilt llama.cpp
 * package lacks, built once from the exact llama.cpp source of that package and cached (native layer:
 * one build per commit, compiler and flags; a lock keeps concurrent first runs from compiling twice).
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { rioCacheRoot } from "../../checkpoint/index.js";
import { loadLlama } from "../../llama/index.js";
import { type BuildRecipe, bundleCommit, ensureCachedBuild, locateSourceBundle } from "../../native/index.js";
import { VisionError } from "../errors.js";
import { INCLUDE_DIRS, MTMD_BINDING_COMMIT, MTMD_PATHS, sourceUnits } from "./mtmd-source.js";

/** Options of ensureMtmdLibrary. */
export interface EnsureMtmdOptions {
  /** Folder holding the `<commit>-<hash>/` builds (default: defaultMtmdCacheDir()). */
  cacheDir?: string;
  /** Human-readable progress: the one-time build announces itself and counts the files it compiles. */
  onProgress?: (message: string) => void;
}

/**
 * The default folder of libmtmd builds: $RIO_MTMD_CACHE_DIR, else `mtmd/` under Rio's cache root. A build
 * depends only on the llama.cpp commit and the compiler, so a test run that gives every test file its own
 * RIO_CACHE_DIR (fresh conversions) still shares one build through RIO_MTMD_CACHE_DIR.
 */
export function defaultMtmdCacheDir(): string {
  return process.env.RIO_MTMD_CACHE_DIR || path.join(rioCacheRoot(), "mtmd");
}

/** The prebuilt libllama, libggml and libggml-base libmtmd links against: those this process loaded. */
function linkedLibraries(): { dir: string; files: string[] } {
  const { dir, llamaPath, ggmlPath } = loadLlama().location;
  const base = readdirSync(dir).find((n) => /^libggml-base(\.v[0-9.]+)?\.so$/.test(n));
  if (!base)
    throw new VisionError(
      `${dir} has libllama and libggml but no libggml-base shared library for libmtmd to link against`,
      "source-not-found",
    );
  return { dir, files: [llamaPath, ggmlPath, path.join(dir, base)] };
}

/**
 * The path of a libmtmd.so matching the loaded llama.cpp (loading it first if needed), building it on
 * first use (about a minute on two cores; needs git and a C++ compiler). Linux only.
 *
 * @example
 * const lib = await ensureMtmdLibrary({ onProgress: (m) => console.error(m) });
 */
export async function ensureMtmdLibrary(opts: EnsureMtmdOptions = {}): Promise<string> {
  if (process.platform !== "linux")
    throw new VisionError(
      `building libmtmd is supported on Linux only (this is ${process.platform})`,
      "unsupported-platform",
    );
  const bundle = locateSourceBundle();
  const commit = bundleCommit(bundle);
  if (commit !== MTMD_BINDING_COMMIT)
    throw new VisionError(
      `the llama.cpp source bundle ${bundle} is at commit ${commit}, but Rio's libmtmd binding is written ` +
        `for ${MTMD_BINDING_COMMIT} (node-llama-cpp 3.21.1): install node-llama-cpp@3.21.1`,
      "layout-mismatch",
    );
  const recipe: BuildRecipe = {
    name: "libmtmd",
    version: "rio-mtmd-1",
    library: "libmtmd.so",
    paths: MTMD_PATHS,
    includeDirs: INCLUDE_DIRS,
    units: sourceUnits,
    libraries: linkedLibraries(),
    duration: "about a minute",
  };
  return ensureCachedBuild(recipe, bundle, commit, {
    cacheDir: opts.cacheDir ?? defaultMtmdCacheDir(),
    onProgress: opts.onProgress,
  });
}
