/**
 * @module The machine's C++ compiler, driven directly (no CMake): find it, identify it for the cache key,
 * compile translation units in parallel and link a shared library. Failures name the file and carry the
 * tail of the compiler's output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { NativeBuildError } from "./errors.js";

/** A compiler command (`argv[0]` plus fixed leading arguments, e.g. from CXX="ccache g++"). */
export interface Compiler {
  argv: string[];
  /** `--version` and `-dumpmachine` output: what the cache key hashes. */
  identity: string;
}

/** One translation unit to compile. */
export interface CompileUnit {
  /** Path shown in messages (relative to the source root). */
  file: string;
  language: "c" | "c++";
}

/** Release flags as CMake's shared build of libllama uses them; -w keeps failure tails to the errors. */
const COMMON_FLAGS = ["-O2", "-fPIC", "-pthread", "-DNDEBUG", "-DLLAMA_SHARED", "-DLLAMA_BUILD", "-w"];
const LANGUAGE_FLAGS = { "c++": ["-x", "c++", "-std=c++17"], c: ["-x", "c", "-std=c11"] } as const;
/** How much compiler output an error carries. */
const TAIL_LINES = 40;

/** Every flag that changes the produced code, for the cache key. */
export function buildFlagsId(defines: string[] = []): string {
  // without defines the id is what libmtmd's cache keys were made from before defines existed
  return JSON.stringify(
    defines.length ? { COMMON_FLAGS, LANGUAGE_FLAGS, defines } : { COMMON_FLAGS, LANGUAGE_FLAGS },
  );
}

/** Output of one process, stdout and stderr interleaved. */
interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runProcess(argv: string[], cwd: string | undefined, track?: Set<ChildProcess>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "pipe", "pipe"] });
    track?.add(child);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => chunks.push(d));
    child.on("error", (e) => {
      track?.delete(child);
      reject(e);
    });
    child.on("close", (code, signal) => {
      track?.delete(child);
      resolve({ code, signal, output: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

function tail(output: string): string {
  const lines = output.trimEnd().split("\n");
  return lines.slice(-TAIL_LINES).join("\n");
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** $CXX when set, else the first of c++, g++, clang++ on PATH; throws "compiler-not-found" otherwise. */
export async function findCompiler(): Promise<Compiler> {
  const fromEnv = process.env.CXX?.trim();
  const argv = fromEnv
    ? fromEnv.split(/\s+/)
    : ["c++", "g++", "clang++"]
        .map((n) => onPath(n))
        .filter((p) => p !== undefined)
        .slice(0, 1);
  if (argv.length === 0)
    throw new NativeBuildError(
      "no C++ compiler found (looked for c++, g++ and clang++ on PATH): Rio builds llama.cpp libraries the " +
        "prebuilt package lacks (libmtmd, the RPC backend) from source on first use; install g++ (e.g. `apt-get install g++`) or set CXX",
      "compiler-not-found",
    );
  let version: RunResult;
  let machine: RunResult;
  try {
    version = await runProcess([...argv, "--version"], undefined);
    machine = await runProcess([...argv, "-dumpmachine"], undefined);
  } catch (e) {
    throw new NativeBuildError(
      `${fromEnv ? `CXX=${fromEnv}` : argv[0]} cannot be run (${(e as Error).message}); install g++ ` +
        "(e.g. `apt-get install g++`) or set CXX to a working C++ compiler",
      "compiler-not-found",
    );
  }
  if (version.code !== 0)
    throw new NativeBuildError(
      `${argv.join(" ")} --version failed (exit ${version.code}): ${tail(version.output)}`,
      "compiler-not-found",
    );
  return { argv, identity: `${argv.join(" ")}\n${version.output.trim()}\n${machine.output.trim()}` };
}

/**
 * Compiles `units` (paths relative to `root`) into objects under `outDir`, `jobs` at a time, largest
 * first so the long files do not finish last alone. Returns the object paths in unit order.
 */
export async function compileUnits(opts: {
  compiler: Compiler;
  /** What is being built, for messages (e.g. "libmtmd"). */
  target: string;
  /** Extra preprocessor definitions (part of the build's cache key: see buildFlagsId). */
  defines?: string[];
  root: string;
  includeDirs: string[];
  units: CompileUnit[];
  outDir: string;
  jobs: number;
  onProgress?: (message: string) => void;
}): Promise<string[]> {
  const { compiler, root, units, outDir } = opts;
  const includes = opts.includeDirs.map((d) => `-I${path.join(root, d)}`);
  const objects = units.map((u) => path.join(outDir, `${u.file.replace(/[/\\]/g, "_")}.o`));
  const queue = units.map((_, i) => i).sort((a, b) => size(root, units[b]) - size(root, units[a]));
  const running = new Set<ChildProcess>();
  let done = 0;
  let failure: NativeBuildError | undefined;

  const worker = async (): Promise<void> => {
    for (let i = queue.shift(); i !== undefined && !failure; i = queue.shift()) {
      const unit = units[i];
      const argv = [
        ...compiler.argv,
        ...COMMON_FLAGS,
        ...(opts.defines ?? []).map((d) => `-D${d}`),
        ...includes,
        ...LANGUAGE_FLAGS[unit.language],
        "-c",
        path.join(root, unit.file),
        "-o",
        objects[i],
      ];
      const result = await runProcess(argv, root, running).catch((e: Error) => ({
        code: -1,
        signal: null,
        output: e.message,
      }));
      if (failure) return; // stopped because another unit failed
      if (result.code !== 0) {
        failure = new NativeBuildError(
          `compiling ${unit.file} for ${opts.target} failed (${result.signal ?? `exit ${result.code}`}); ` +
            `command: ${argv.join(" ")}\n${tail(result.output)}`,
          "compile-failed",
          unit.file,
        );
        for (const child of running) child.kill();
        return;
      }
      done++;
      opts.onProgress?.(`compiled ${done}/${units.length}: ${unit.file}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, units.length)) }, worker));
  if (failure) throw failure;
  return objects;
}

function size(root: string, unit: CompileUnit): number {
  try {
    return statSync(path.join(root, unit.file)).size;
  } catch {
    return 0;
  }
}

/**
 * Links `objects` into the shared library `output` against `libraries` (full paths; their SONAMEs become
 * the DT_NEEDED entries), with an rpath to `rpath`. --no-undefined turns a symbol the prebuilt
 * libraries lack into a link error here instead of a failure when the library is loaded.
 */
export async function linkShared(opts: {
  compiler: Compiler;
  /** What is being built, for messages. */
  target: string;
  objects: string[];
  libraries: string[];
  rpath: string;
  output: string;
  soname: string;
}): Promise<void> {
  const argv = [
    ...opts.compiler.argv,
    "-shared",
    "-pthread",
    "-o",
    opts.output,
    ...opts.objects,
    ...opts.libraries,
    `-Wl,-soname,${opts.soname}`,
    `-Wl,-rpath,${opts.rpath}`,
    "-Wl,--no-undefined",
  ];
  const result = await runProcess(argv, undefined).catch((e: Error) => ({
    code: -1,
    signal: null,
    output: e.message,
  }));
  if (result.code !== 0)
    throw new NativeBuildError(
      `linking ${opts.target} failed (${result.signal ?? `exit ${result.code}`}) against ${opts.libraries.join(", ")}\n` +
        tail(result.output),
      "link-failed",
    );
}
