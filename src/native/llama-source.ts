/**
 * @module The llama.cpp sources of the pinned release: the git bundle node-llama-cpp ships
 * (`llama/gitRelease.bundle`), which commit it holds, and extracting only the folders a build reads.
 */
import { execFile } from "node:child_process";
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { NativeBuildError } from "./errors.js";

const run = promisify(execFile);
const requireHere = createRequire(import.meta.url);

/** The git bundle inside the installed node-llama-cpp package. */
export function locateSourceBundle(): string {
  let entry: string;
  try {
    entry = requireHere.resolve("node-llama-cpp");
  } catch {
    throw new NativeBuildError(
      "building llama.cpp libraries needs the sources that node-llama-cpp ships, but node-llama-cpp is not " +
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
  throw new NativeBuildError(
    `node-llama-cpp is installed (${entry}) but its llama/gitRelease.bundle, the llama.cpp source ` +
      "Rio builds from, is missing: reinstall node-llama-cpp@3.21.1",
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
      throw new NativeBuildError(
        "git is not installed: Rio extracts llama.cpp sources from a git bundle to build them " +
          "(install it, e.g. `apt-get install git`)",
        "tool-not-found",
      );
    throw new NativeBuildError(
      `git ${what} failed: ${(err.stderr ?? err.message).trim()}`,
      "source-not-found",
    );
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
    throw new NativeBuildError(
      `${bundle} is not a git bundle with a HEAD commit (header ${JSON.stringify(header.slice(0, 3))})`,
      "source-not-found",
      bundle,
    );
  return ref.slice(0, 40);
}

/**
 * Writes `paths` of `commit` (git pathspecs, `:(exclude)…` allowed) into `dest` (a new folder); returns
 * `dest`.
 */
export async function extractSources(
  bundle: string,
  commit: string,
  dest: string,
  paths: string[],
): Promise<string> {
  await git(["clone", "--quiet", "--no-checkout", bundle, dest], `clone ${bundle}`);
  await git(["-C", dest, "checkout", "--quiet", commit, "--", ...paths], `checkout ${commit}`);
  return dest;
}
