/**
 * @module Finds the prebuilt llama.cpp shared libraries that node-llama-cpp ships as per-platform npm
 * packages (`@node-llama-cpp/<platform>[-cuda|-vulkan]`), or the folder named by RIO_LLAMA_LIB_DIR.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { LlamaError } from "./errors.js";

/** Which build to prefer; "auto" takes a GPU build when its package is installed and a GPU is present. */
export type GpuPreference = "auto" | "cpu" | "cuda" | "vulkan";

/** A folder holding libllama and libggml, and where it came from. */
export interface LibraryLocation {
  dir: string;
  /** Extra backend folder (node-llama-cpp splits large CUDA builds into a `-ext` package). */
  extDir?: string;
  variant: "cpu" | "cuda" | "vulkan" | "custom";
  /** The npm package it was found in, or "RIO_LLAMA_LIB_DIR" / "libDir". */
  source: string;
  ggmlPath: string;
  llamaPath: string;
}

const require = createRequire(import.meta.url);

function platformBase(): string {
  const platform = ({ linux: "linux", darwin: "mac", win32: "win" } as Record<string, string>)[
    process.platform
  ];
  return `${platform ?? process.platform}-${process.arch}`;
}

/** The bins/<name> folder of an installed @node-llama-cpp package, or undefined when not installed. */
function packageBinsDir(pkg: string): string | undefined {
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    return undefined;
  }
  const bins = path.join(path.dirname(entry), "..", "bins");
  if (!existsSync(bins)) return undefined;
  for (const name of readdirSync(bins)) {
    const dir = path.join(bins, name);
    if (findLib(dir, "libllama")) return dir;
  }
  return undefined;
}

/** The versioned main library in dir (`libllama.v0.4.0.so`, not `libllama-common.so`). */
function findLib(dir: string, stem: "libllama" | "libggml"): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const pattern = new RegExp(`^${stem}(\\.v[0-9.]+)?\\.(so|dylib|dll)$`);
  const name = names.find((n) => pattern.test(n)) ?? names.find((n) => n === `${stem.slice(3)}.dll`);
  return name ? path.join(dir, name) : undefined;
}

function locationAt(
  dir: string,
  variant: LibraryLocation["variant"],
  source: string,
  extDir?: string,
): LibraryLocation {
  const ggmlPath = findLib(dir, "libggml");
  const llamaPath = findLib(dir, "libllama");
  if (!ggmlPath || !llamaPath)
    throw new LlamaError(
      `${source}: folder ${dir} does not contain libllama and libggml shared libraries`,
      "library-not-found",
    );
  return { dir, extDir, variant, source, ggmlPath, llamaPath };
}

/** Cheap pre-check that a CUDA build has a device to use (the driver's device nodes). */
function nvidiaPresent(): boolean {
  return process.platform !== "linux" || existsSync("/dev/nvidiactl");
}

/**
 * Locates the libraries: an explicit folder (opts.libDir, then env RIO_LLAMA_LIB_DIR), else the
 * installed node-llama-cpp platform packages in the order the GPU preference implies.
 */
export function locateLibraries(opts: { libDir?: string; gpu?: GpuPreference } = {}): LibraryLocation {
  const explicit = opts.libDir ?? process.env.RIO_LLAMA_LIB_DIR;
  if (explicit) return locationAt(explicit, "custom", opts.libDir ? "libDir" : "RIO_LLAMA_LIB_DIR");
  const base = platformBase();
  const gpu = opts.gpu ?? "auto";
  const order: LibraryLocation["variant"][] =
    gpu === "auto" ? ["cuda", "vulkan", "cpu"] : gpu === "cpu" ? ["cpu"] : [gpu];
  for (const variant of order) {
    const pkg = `@node-llama-cpp/${variant === "cpu" ? base : `${base}-${variant}`}`;
    const dir = packageBinsDir(pkg);
    if (!dir) continue;
    if (gpu === "auto" && variant === "cuda" && !nvidiaPresent()) continue;
    const extDir = variant === "cuda" ? packageBinsDir(`${pkg}-ext`) : undefined;
    return locationAt(dir, variant, pkg, extDir);
  }
  const wanted = gpu === "auto" || gpu === "cpu" ? base : `${base}-${gpu}`;
  throw new LlamaError(
    `no llama.cpp library found for ${gpu === "auto" ? "this platform" : gpu}: install the npm package ` +
      `@node-llama-cpp/${wanted}@3.21.1 (or set RIO_LLAMA_LIB_DIR to a folder with libllama and libggml)`,
    "library-not-found",
  );
}

/**
 * Number of physical cores: llama.cpp's worker threads spin, so more threads than cores (e.g. on
 * hyper-threads) slows decoding down. Linux reads /proc/cpuinfo; elsewhere the logical count.
 */
export function physicalCores(): number {
  const logical = os.availableParallelism();
  if (process.platform !== "linux") return logical;
  try {
    const cores = new Set<string>();
    let physical = "0";
    for (const line of readFileSync("/proc/cpuinfo", "utf8").split("\n")) {
      const [key, value] = line.split(":").map((s) => s.trim());
      if (key === "physical id") physical = value;
      else if (key === "core id") cores.add(`${physical}:${value}`);
    }
    return cores.size > 0 ? Math.min(cores.size, logical) : logical;
  } catch {
    return logical;
  }
}
