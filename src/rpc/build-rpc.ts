/**
 * @module ensureRpcBackend: llama.cpp's RPC backend (ggml-rpc), which the prebuilt CPU package does not
 * ship, built once from the exact source of that package as a dynamic ggml backend module
 * (GGML_BACKEND_DL: it exports ggml_backend_init, so ggml_backend_load registers it) linked against the
 * prebuilt libggml and libggml-base, and cached by commit (native layer).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { rioCacheRoot } from "../checkpoint/index.js";
import { loadLlama } from "../llama/index.js";
import {
  type BuildRecipe,
  bundleCommit,
  type CompileUnit,
  ensureCachedBuild,
  locateSourceBundle,
  NativeBuildError,
} from "../native/index.js";

/** The folder of RPC backend builds: $RIO_RPC_CACHE_DIR, else `rpc/` under Rio's cache root. */
export function defaultRpcCacheDir(): string {
  return process.env.RIO_RPC_CACHE_DIR || path.join(rioCacheRoot(), "rpc");
}

/** The `.cpp` files of `ggml_add_backend_library(ggml-rpc …)` in ggml/src/ggml-rpc/CMakeLists.txt. */
function rpcUnits(root: string): CompileUnit[] {
  const cmake = path.join(root, "ggml", "src", "ggml-rpc", "CMakeLists.txt");
  const target = /ggml_add_backend_library\s*\(\s*ggml-rpc\s+([^)]*)\)/.exec(readFileSync(cmake, "utf8"));
  const files = (target?.[1] ?? "").split(/\s+/).filter((f) => f.endsWith(".cpp"));
  if (files.length === 0)
    throw new NativeBuildError(
      `${cmake}: no ggml_add_backend_library(ggml-rpc <sources>)`,
      "source-not-found",
      cmake,
    );
  return files.map((f) => ({ file: `ggml/src/ggml-rpc/${f}`, language: "c++" }));
}

/** The prebuilt libggml and libggml-base of the loaded llama.cpp. */
function linkedLibraries(): { dir: string; files: string[] } {
  const { dir, ggmlPath } = loadLlama().location;
  const base = readdirSync(dir).find((n) => /^libggml-base(\.v[0-9.]+)?\.so$/.test(n));
  if (!base)
    throw new NativeBuildError(
      `${dir} has libggml but no libggml-base for the RPC backend to link against`,
      "source-not-found",
    );
  return { dir, files: [ggmlPath, path.join(dir, base)] };
}

/**
 * The path of libggml-rpc.so for the loaded llama.cpp, building it on first use (about 30 s on two
 * cores; needs git and a C++ compiler). Linux only.
 *
 * @example
 * const module = await ensureRpcBackend({ onProgress: (m) => console.error(m) });
 */
export async function ensureRpcBackend(opts: { cacheDir?: string; onProgress?: (m: string) => void } = {}) {
  if (process.platform !== "linux")
    throw new NativeBuildError(
      `building the RPC backend is supported on Linux only (this is ${process.platform})`,
      "unsupported-platform",
    );
  const bundle = locateSourceBundle();
  const recipe: BuildRecipe = {
    name: "libggml-rpc",
    version: "rio-rpc-1",
    library: "libggml-rpc.so",
    // the backend's sources, ggml's public headers and the internal headers it includes (ggml-impl.h, …)
    paths: ["ggml/include", "ggml/src/ggml-rpc", ":(glob)ggml/src/*.h"],
    includeDirs: ["ggml/include", "ggml/src", "ggml/src/ggml-rpc"],
    // as ggml_add_backend_library builds a backend under GGML_BACKEND_DL (ggml/src/CMakeLists.txt)
    defines: ["GGML_BACKEND_DL", "GGML_BACKEND_BUILD", "GGML_BACKEND_SHARED", "GGML_SHARED"],
    units: rpcUnits,
    libraries: linkedLibraries(),
    duration: "about half a minute",
  };
  return ensureCachedBuild(recipe, bundle, bundleCommit(bundle), {
    cacheDir: opts.cacheDir ?? defaultRpcCacheDir(),
    onProgress: opts.onProgress,
  });
}
