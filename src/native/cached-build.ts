/**
 * @module ensureCachedBuild: a shared library built once from the pinned llama.cpp source and cached.
 *
 * The cache folder is `<cacheDir>/<commit>-<hash>/` where the hash covers the recipe version, the
 * compiler's identity, the flags and the names of the linked libraries: a compiler upgrade gets a fresh
 * build, a second run gets the cached one. Builds happen in a private folder and are published by one
 * rename, so no process ever loads half a library; a lock file keeps concurrent first runs from
 * compiling twice.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { processAlive, withBuildLock } from "./build-lock.js";
import {
  buildFlagsId,
  type Compiler,
  type CompileUnit,
  compileUnits,
  findCompiler,
  linkShared,
} from "./compiler.js";
import { NativeBuildError } from "./errors.js";
import { extractSources } from "./llama-source.js";

/** The prebuilt libraries a build links against (full paths) and the folder they live in (the rpath). */
export interface PrebuiltLibraries {
  dir: string;
  files: string[];
}

/** How to build one library from the llama.cpp tree. */
export interface BuildRecipe {
  /** Name in messages, e.g. "libmtmd". */
  name: string;
  /** Bump when the sources, flags or link change for the same compiler, to rebuild. */
  version: string;
  /** File name of the produced library, e.g. "libmtmd.so" (also its SONAME). */
  library: string;
  /** git pathspecs of the llama.cpp tree the build reads. */
  paths: string[];
  /** Include folders relative to the llama.cpp root. */
  includeDirs: string[];
  /** Preprocessor definitions, e.g. "GGML_BACKEND_DL". */
  defines?: string[];
  /** The translation units, read from the extracted tree. */
  units(root: string): CompileUnit[];
  libraries: PrebuiltLibraries;
  /** How long a build takes here, for the first-use message. */
  duration: string;
}

/** Where builds go and who hears about them. */
export interface CachedBuildOptions {
  cacheDir: string;
  onProgress?: (message: string) => void;
}

function cacheKey(recipe: BuildRecipe, commit: string, compiler: Compiler): string {
  const hash = createHash("sha256")
    .update(
      [
        recipe.version,
        compiler.identity,
        buildFlagsId(recipe.defines),
        ...recipe.libraries.files.map((l) => path.basename(l)),
      ].join("\0"),
    )
    .digest("hex");
  return `${commit}-${hash.slice(0, 16)}`;
}

/** Any finished build of `commit`, used when no compiler is available to compute the exact key. */
function anyCachedBuild(cacheDir: string, commit: string, library: string): string | undefined {
  if (!existsSync(cacheDir)) return undefined;
  const dir = readdirSync(cacheDir).find(
    (n) => n.startsWith(`${commit}-`) && existsSync(path.join(cacheDir, n, library)),
  );
  return dir && path.join(cacheDir, dir, library);
}

const inProcess = new Map<string, Promise<string>>();

/**
 * The path of `recipe`'s library built from `commit` of `bundle`, building it on first use (needs git
 * and a C++ compiler); with no compiler, any cached build of that commit.
 */
export async function ensureCachedBuild(
  recipe: BuildRecipe,
  bundle: string,
  commit: string,
  opts: CachedBuildOptions,
): Promise<string> {
  const cacheDir = path.resolve(opts.cacheDir);
  const progress = opts.onProgress ?? (() => {});
  let compiler: Compiler;
  try {
    compiler = await findCompiler();
  } catch (e) {
    const cached = anyCachedBuild(cacheDir, commit, recipe.library);
    if (!cached) throw e;
    progress(`no C++ compiler found; using the cached ${recipe.name} ${cached}`);
    return cached;
  }
  const key = cacheKey(recipe, commit, compiler);
  const target = path.join(cacheDir, key, recipe.library);
  if (existsSync(target)) return target;
  let pending = inProcess.get(target);
  if (!pending) {
    pending = buildLocked({ recipe, cacheDir, key, target, commit, bundle, compiler, progress });
    inProcess.set(target, pending);
    pending.catch(() => inProcess.delete(target));
  }
  return pending;
}

interface BuildPlan {
  recipe: BuildRecipe;
  cacheDir: string;
  key: string;
  target: string;
  commit: string;
  bundle: string;
  compiler: Compiler;
  progress: (message: string) => void;
}

async function buildLocked(plan: BuildPlan): Promise<string> {
  mkdirSync(plan.cacheDir, { recursive: true });
  await withBuildLock(
    path.join(plan.cacheDir, `${plan.key}.lock`),
    () => existsSync(plan.target),
    (owner) =>
      plan.progress(
        `waiting for process ${owner}, which is building ${plan.recipe.name} into ${plan.cacheDir}`,
      ),
    async () => {
      if (!existsSync(plan.target)) await build(plan);
    },
  );
  if (!existsSync(plan.target))
    throw new NativeBuildError(
      `${plan.recipe.name} build finished but ${plan.target} is missing`,
      "link-failed",
    );
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
  const { recipe } = plan;
  const started = Date.now();
  removeAbandonedBuilds(plan.cacheDir, plan.key);
  const work = path.join(plan.cacheDir, `.build-${plan.key}-${process.pid}-${Date.now().toString(36)}`);
  const root = path.join(work, "llama.cpp");
  const objDir = path.join(work, "obj");
  const outDir = path.join(work, "out");
  plan.progress(
    `building ${recipe.name} for llama.cpp ${plan.commit.slice(0, 12)} (first use, ${recipe.duration})…`,
  );
  try {
    mkdirSync(objDir, { recursive: true });
    mkdirSync(outDir);
    await extractSources(plan.bundle, plan.commit, root, recipe.paths);
    const units = recipe.units(root);
    const jobs = os.availableParallelism();
    plan.progress(`compiling ${units.length} files with ${plan.compiler.argv.join(" ")}, ${jobs} at a time`);
    const objects = await compileUnits({
      compiler: plan.compiler,
      target: recipe.name,
      defines: recipe.defines,
      root,
      includeDirs: recipe.includeDirs,
      units,
      outDir: objDir,
      jobs,
      onProgress: plan.progress,
    });
    plan.progress(`linking ${recipe.name}`);
    await linkShared({
      compiler: plan.compiler,
      target: recipe.name,
      objects,
      libraries: recipe.libraries.files,
      rpath: recipe.libraries.dir,
      output: path.join(outDir, recipe.library),
      soname: recipe.library,
    });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const info = {
      commit: plan.commit,
      recipe: recipe.version,
      compiler: plan.compiler.identity,
      flags: JSON.parse(buildFlagsId(recipe.defines)),
      libraries: recipe.libraries.files,
      seconds,
      builtAt: new Date().toISOString(),
    };
    writeFileSync(path.join(outDir, "build.json"), `${JSON.stringify(info, null, 2)}\n`);
    publish(outDir, path.dirname(plan.target), recipe.library);
    plan.progress(`${recipe.name} built in ${seconds} s: ${plan.target}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Moves the finished folder into place in one rename; a folder already there (a racing build) wins. */
function publish(from: string, to: string, library: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === "ENOTEMPTY" || code === "EEXIST") && existsSync(path.join(to, library))) return;
    throw e;
  }
}
