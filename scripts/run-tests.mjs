// Builds the TypeScript and the WebAssembly kernels once, then runs every compiled *.test.js file with node's test runner
// (node 20 would treat every .js under a folder argument as a test file, fixtures included).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const testFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.js") ? [path] : [];
  });

run("npm", ["run", "-s", "build"]);
// test files give themselves fresh RIO_CACHE_DIRs; libmtmd (a minute to build) and the RPC backend are
// shared by all of them
const cacheRoot = process.env.RIO_CACHE_DIR || join(homedir(), ".cache", "rio");
process.env.RIO_MTMD_CACHE_DIR ||= join(cacheRoot, "mtmd");
process.env.RIO_RPC_CACHE_DIR ||= join(cacheRoot, "rpc");
const only = process.argv.slice(2);
run(process.execPath, [
  "--test",
  "--test-concurrency=1",
  ...(only.length ? only : testFiles("dist/test").sort()),
]);
