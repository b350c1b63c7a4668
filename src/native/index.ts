/**
 * @module native layer: building llama.cpp libraries the prebuilt package lacks (libmtmd, the RPC
 * backend) from the pinned release's own source with the machine's C++ compiler, cached by commit,
 * compiler and flags, one build at a time across processes.
 */
export { processAlive, withBuildLock } from "./build-lock.js";
export {
  type BuildRecipe,
  type CachedBuildOptions,
  ensureCachedBuild,
  type PrebuiltLibraries,
} from "./cached-build.js";
export { type Compiler, type CompileUnit, compileUnits, findCompiler, linkShared } from "./compiler.js";
export { NativeBuildError, type NativeBuildErrorCode } from "./errors.js";
export { bundleCommit, extractSources, locateSourceBundle } from "./llama-source.js";
