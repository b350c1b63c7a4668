/**
 * @module ensureMtmdLibrary: libmtmd (llama.cpp's multimodal library), which the prebuilt llama.cpp
 * package lacks, built once from the exact llama.cpp source of that package and cached.
 *
 * The cache folder is `<cacheDir>/<commit>-<hash>/` where the hash covers the compiler's identity, the
 * flags and the names of the linked libraries: a compiler upgrade gets a fresh build, a second run gets
 * the cached one. Builds happen in a private folder and are published by one rename, so no process ever
 * loads half a library; a lock file keeps concurrent first runs from compiling twice.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { rioCacheRoot } from "../../checkpoint/index.js";
import { loadLlama } from "../../llama/index.js";
import { VisionError } from "../errors.js";
import { processAlive, withBuildLock } from "./build-lock.js";
import { type Compiler, compileUnits, FLAGS_ID, findCompiler, linkShared } from "./compiler.js";
import {
  bundleCommit,
  extractSources,
  INCLUDE_DIRS,
  locateSourceBundle,
  MTMD_BINDING_COMMIT,
  sourceUnits,
} from "./mtmd-source.js";

/** Bump when the build recipe (sources, flags, link) changes for the same compiler, to rebuild. */
const RECIPE_VERSION = "rio-mtmd-1";
const LIBRARY_NAME = "libmtmd.so";

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

function cacheKey(commit: string, compiler: Compiler, libraries: string[]): string {
  const hash = createHash("sha256")
    .update(
      [RECIPE_VERSION, compiler.identity, FLAGS_ID, ...libraries.map((l) => path.basename(l))].join("\0"),
    )
    .digest("hex");
  return `${commit}-${hash.slice(0, 16)}`;
}

/** Any finished build of `commit`, used when no compiler is available to compute the exact key. */
function anyCachedBuild(cacheDir: string, commit: string): string | undefined {
  if (!existsSync(cacheDir)) return undefined;
  const dir = readdirSync(cacheDir).find(
    (n) => n.startsWith(`${commit}-`) && existsSync(path.join(cacheDir, n, LIBRARY_NAME)),
  );
  return dir && path.join(cacheDir, dir, LIBRARY_NAME);
}

const inProcess = new Map<string, Promise<string>>();

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
  const cacheDir = path.resolve(opts.cacheDir ?? defaultMtmdCacheDir());
  const progress = opts.onProgress ?? (() => {});
  const bundle = locateSourceBundle();
  const commit = bundleCommit(bundle);
  if (commit !== MTMD_BINDING_COMMIT)
    throw new VisionError(
      `the llama.cpp source bundle ${bundle} is at commit ${commit}, but Rio's libmtmd binding is written ` +
        `for ${MTMD_BINDING_COMMIT} (node-llama-cpp 3.21.1): install node-llama-cpp@3.21.1`,
      "layout-mismatch",
    );
  const libraries = linkedLibraries();
  let compiler: Compiler;
  try {
    compiler = await findCompiler();
  } catch (e) {
    const cached = anyCachedBuild(cacheDir, commit);
    if (!cached) throw e;
    progress(`no C++ compiler found; using the cached libmtmd ${cached}`);
    return cached;
  }
  const key = cacheKey(commit, compiler, libraries.files);
  const target = path.join(cacheDir, key, LIBRARY_NAME);
  if (existsSync(target)) return target;
  let pending = inProcess.get(target);
  if (!pending) {
    pending = buildLocked({ cacheDir, key, target, commit, bundle, compiler, libraries, progress });
    inProcess.set(target, pending);
    pending.catch(() => inProcess.delete(target));
  }
  return pending;
}

interface BuildPlan {
  cacheDir: string;
  key: string;
  target: string;
  commit: string;
  bundle: string;
  compiler: Compiler;
  libraries: { dir: string; files: string[] };
  progress: (message: string) => void;
}

async function buildLocked(plan: BuildPlan): Promise<string> {
  mkdirSync(plan.cacheDir, { recursive: true });
  await withBuildLock(
    path.join(plan.cacheDir, `${plan.key}.lock`),
    () => existsSync(plan.target),
    (owner) => plan.progress(`waiting for process ${owner}, which is building libmtmd into ${plan.cacheDir}`),
    async () => {
      if (!existsSync(plan.target)) await build(plan);
    },
  );
  if (!existsSync(plan.target))
    throw new VisionError(`libmtmd build finished but ${plan.target} is missing`, "link-failed");
  return plan.target;
}

/** Removes build folders of `key` left by processes that died mid-build (killed, out of disk). */
function removeAbandonedBuilds(cacheDir: string, key: string): void {
  for (const name of readdirSync(cacheDir)) {
    const owner = new RegExp(`^\\.build-${key}-(\\d+)-`).exec(name);
    if (!owner || processAlive(Number(owner[1]))) continue;
    rmSync(path.join(cacheDir, name), { recursive: true, force: true });
  }
}

async function build(plan: BuildPlan): Promise<void> {
  const started = Date.now();
  removeAbandonedBuilds(plan.cacheDir, plan.key);
  const work = path.join(plan.cacheDir, `.build-${plan.key}-${process.pid}-${Date.now().toString(36)}`);
  const root = path.join(work, "llama.cpp");
  const objDir = path.join(work, "obj");
  const outDir = path.join(work, "out");
  plan.progress(`building libmtmd for llama.cpp ${plan.commit.slice(0, 12)} (first use, about a minute)…`);
  try {
    mkdirSync(objDir, { recursive: true });
    mkdirSync(outDir);
    await extractSources(plan.bundle, plan.commit, root);
    const units = sourceUnits(root);
    const jobs = os.availableParallelism();
    plan.progress(`compiling ${units.length} files with ${plan.compiler.argv.join(" ")}, ${jobs} at a time`);
    const objects = await compileUnits({
      compiler: plan.compiler,
      root,
      includeDirs: INCLUDE_DIRS,
      units,
      outDir: objDir,
      jobs,
      onProgress: plan.progress,
    });
    plan.progress("linking libmtmd");
    await linkShared({
      compiler: plan.compiler,
      objects,
      libraries: plan.libraries.files,
      rpath: plan.libraries.dir,
      output: path.join(outDir, LIBRARY_NAME),
      soname: LIBRARY_NAME,
    });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const info = {
      commit: plan.commit,
      recipe: RECIPE_VERSION,
      compiler: plan.compiler.identity,
      flags: JSON.parse(FLAGS_ID),
      libraries: plan.libraries.files,
      seconds,
      builtAt: new Date().toISOString(),
    };
    writeFileSync(path.join(outDir, "build.json"), `${JSON.stringify(info, null, 2)}\n`);
    publish(outDir, path.dirname(plan.target));
    plan.progress(`libmtmd built in ${seconds} s: ${plan.target}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Moves the finished folder into place in one rename; a folder already there (a racing build) wins. */
function publish(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === "ENOTEMPTY" || code === "EEXIST") && existsSync(path.join(to, LIBRARY_NAME))) return;
    throw e;
  }
}
