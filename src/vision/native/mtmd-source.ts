/**
 * @module The llama.cpp sources libmtmd is built from (read from the pinned release's bundle, see
 * native/llama-source.ts): the folders the build reads and the translation units of the `mtmd` target.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { VisionError } from "../errors.js";

/** The llama.cpp commit whose tools/mtmd/mtmd.h the binding in ffi.ts and structs.ts is written from. */
export const MTMD_BINDING_COMMIT = "80fb11ac73e66d89eae2c6a91d8a77428fa733ed";

/**
 * Folders of the llama.cpp tree the build reads (headers of libllama and ggml, mtmd, vendored code);
 * sample media and CLI-only files (tools/mtmd/test-*) are never compiled, so they stay in the bundle.
 */
export const MTMD_PATHS = [
  "tools/mtmd",
  "include",
  "ggml/include",
  "vendor",
  "src",
  ":(exclude)tools/mtmd/test-*",
];

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
