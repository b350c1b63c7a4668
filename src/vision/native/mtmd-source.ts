/**
 * @module The llama.cpp sources libmtmd is built from: the git bundle of the pinned release that
 * node-llama-cpp ships (`llama/gitRelease.bundle`), which commit it holds, extracting only the folders
 * the build reads, and the list of translation units of the `mtmd` target.
 */
import { execFile } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { VisionError } from "../errors.js";

const run = promisify(execFile);

/** The llama.cpp commit whose tools/mtmd/mtmd.h the binding in ffi.ts and structs.ts is written from. */
export const MTMD_BINDING_COMMIT = "80fb11ac73e66d89eae2c6a91d8a77428fa733ed";

/** Folders of the llama.cpp tree the build reads (headers of libllama and ggml, mtmd, vendored code). */
const EXTRACTED_PATHS = ["tools/mtmd", "include", "ggml/include", "vendor", "src"];
/** Sample media and CLI-only files are never compiled: leave them in the bundle. */
const EXCLUDED_PATHS = [":(exclude)tools/mtmd/test-*"];

/**
 * The vendor::hash target (vendor/hash/CMakeLists.txt): sha1.c is compiled as C++ because it lives in
 * a C++ namespace there; the other .c files are C, which hash.cpp includes inside `extern "C"`.
 */
const VENDOR_HASH_UNITS: SourceUnit[] = [
  { file: "vendor/hash/hash.cpp", language: "c++" },
  { file: "vendor/hash/xxhash/xxhash.c", language: "c" },
  { file: "vendor/hash/sha1/sha1.c", language: "c++" },
  { file: "vendor/hash/sha256/sha256.c", language: "c" },
];

/** One translation unit, relative to the llama.cpp root. */
export interface SourceUnit {
  file: string;
  language: "c" | "c++";
}

const requireHere = createRequire(import.meta.url);

/** The git bundle inside the installed node-llama-cpp package. */
export function locateSourceBundle(): string {
  let entry: string;
  try {
    entry = requireHere.resolve("node-llama-cpp");
  } catch {
    throw new VisionError(
      "building libmtmd needs the llama.cpp sources that node-llama-cpp ships, but node-llama-cpp is not " +
        "installed: run `npm i -D -E node-llama-cpp@3.21.1`",
      "source-not-found",
    );
  }
  // entry is <package>/dist/index.js; the bundle sits in <package>/llama/
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const bundle = path.join(dir, "llama", "gitRelease.bundle");
    if (existsSync(bundle)) return bundle;
    if (existsSync(path.join(dir, "package.json"))) break;
  }
  throw new VisionError(
    `node-llama-cpp is installed (${entry}) but its llama/gitRelease.bundle, the llama.cpp source ` +
      "libmtmd is built from, is missing: reinstall node-llama-cpp@3.21.1",
    "source-not-found",
  );
}

async function git(args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run("git", args, { maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT")
      throw new VisionError(
        "git is not installed: building libmtmd extracts llama.cpp sources from a git bundle " +
          "(install it, e.g. `apt-get install git`)",
        "tool-not-found",
      );
    throw new VisionError(`git ${what} failed: ${(err.stderr ?? err.message).trim()}`, "source-not-found");
  }
}

/**
 * The commit the bundle's HEAD points at, read from its text header (`# v2 git bundle`, then
 * `<sha> <ref>` lines up to a blank line), so a cached build is found without running git.
 */
export function bundleCommit(bundle: string): string {
  const fd = openSync(bundle, "r");
  const head = Buffer.alloc(4096);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const lines = head.subarray(0, n).toString("latin1").split("\n");
  const header = lines.slice(0, lines.indexOf(""));
  const refs = header.filter((l) => /^[0-9a-f]{40} /.test(l));
  const ref = refs.find((l) => l.endsWith(" HEAD")) ?? refs[0];
  if (!/^# v[23] git bundle$/.test(header[0] ?? "") || !ref)
    throw new VisionError(
      `${bundle} is not a git bundle with a HEAD commit (header ${JSON.stringify(header.slice(0, 3))})`,
      "source-not-found",
      bundle,
    );
  return ref.slice(0, 40);
}

/** Writes the folders the build needs of `commit` into `dest` (a new folder); returns `dest`. */
export async function extractSources(bundle: string, commit: string, dest: string): Promise<string> {
  await git(["clone", "--quiet", "--no-checkout", bundle, dest], `clone ${bundle}`);
  await git(
    ["-C", dest, "checkout", "--quiet", commit, "--", ...EXTRACTED_PATHS, ...EXCLUDED_PATHS],
    `checkout ${commit}`,
  );
  return dest;
}

/**
 * The translation units of libmtmd: the `.cpp` files of `add_library(mtmd …)` in tools/mtmd/CMakeLists.txt
 * (read from the sources, so the list follows the release), plus vendor::hash. Video support (MTMD_VIDEO)
 * is a compile definition, not a file, and stays off; the CLI tools are separate targets.
 */
export function sourceUnits(root: string): SourceUnit[] {
  const cmake = path.join(root, "tools", "mtmd", "CMakeLists.txt");
  const text = readFileSync(cmake, "utf8");
  const target = /add_library\s*\(\s*mtmd\s+([^)]*)\)/.exec(text);
  const files = (target?.[1] ?? "").split(/\s+/).filter((f) => f.endsWith(".cpp"));
  if (files.length === 0)
    throw new VisionError(
      `${cmake}: no add_library(mtmd <sources>) with .cpp files`,
      "source-not-found",
      cmake,
    );
  const units: SourceUnit[] = [
    ...files.map((f) => ({ file: `tools/mtmd/${f}`, language: "c++" as const })),
    ...VENDOR_HASH_UNITS,
  ];
  for (const unit of units)
    if (!existsSync(path.join(root, unit.file)))
      throw new VisionError(
        `llama.cpp source ${unit.file} is missing under ${root}`,
        "source-not-found",
        unit.file,
      );
  return units;
}

/** Include folders, relative to the llama.cpp root (vendor/hash: sha256.c includes "rotate-bits/…"). */
export const INCLUDE_DIRS = ["include", "ggml/include", "tools/mtmd", "vendor", "vendor/hash", "src"];
