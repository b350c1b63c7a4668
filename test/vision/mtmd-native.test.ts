import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type GgufKv, writeGguf } from "../../src/checkpoint/gguf/index.js";
import type { LlamaModel } from "../../src/llama/index.js";
import {
  bundleCommit,
  compileUnits,
  findCompiler,
  locateSourceBundle,
  type NativeBuildError,
  withBuildLock,
} from "../../src/native/index.js";
import {
  defaultMtmdCacheDir,
  ensureMtmdLibrary,
  openImageEncoder,
  type VisionError,
} from "../../src/vision/index.js";
import { loadMtmd } from "../../src/vision/native/mtmd-library.js";
import { MTMD_BINDING_COMMIT, sourceUnits } from "../../src/vision/native/mtmd-source.js";
import { checkMtmdLayouts, DEFAULT_MARKER } from "../../src/vision/native/structs.js";

// The library is built into the default cache ($RIO_CACHE_DIR/mtmd when the harness sets one, as .ci/run
// does, else ~/.cache/rio/mtmd), so only the first run on a machine pays the ~1 minute build.

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rio-mtmd-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  return fn().finally(() => set(saved));
}

describe("libmtmd build and binding", () => {
  it("builds libmtmd (or finds it cached), loads it and passes the layout self-check", async () => {
    const messages: string[] = [];
    const lib = await loadMtmd({ onProgress: (m) => messages.push(m) });
    assert.ok(lib.path.startsWith(defaultMtmdCacheDir()), `${lib.path} is under the cache`);
    assert.match(path.basename(path.dirname(lib.path)), new RegExp(`^${MTMD_BINDING_COMMIT}-[0-9a-f]{16}$`));
    assert.equal(lib.marker, "<__media__>");
    const defaults = lib.defaults();
    assert.doesNotThrow(() => checkMtmdLayouts(lib.marker, defaults));
    assert.equal(defaults.media_marker, DEFAULT_MARKER);
    assert.equal(defaults.batch_max_tokens, 1024);
    if (messages.length > 0) {
      assert.match(messages[0], /^building libmtmd for llama\.cpp 80fb11ac73e6 \(first use/);
      assert.ok(messages.some((m) => /^compiled \d+\/\d+: tools\/mtmd\/clip\.cpp$/.test(m)));
      const info = JSON.parse(readFileSync(path.join(path.dirname(lib.path), "build.json"), "utf8"));
      assert.equal(info.commit, MTMD_BINDING_COMMIT);
    }
  });

  it("a second call returns the cached library without rebuilding", async () => {
    const first = await ensureMtmdLibrary();
    const mtime = statSync(first).mtimeMs;
    const messages: string[] = [];
    const second = await ensureMtmdLibrary({ onProgress: (m) => messages.push(m) });
    assert.equal(second, first);
    assert.equal(statSync(second).mtimeMs, mtime);
    assert.deepEqual(messages, []);
  });

  it("without a compiler, a cached build of the same commit is still used", async () => {
    const cached = await ensureMtmdLibrary();
    const messages: string[] = [];
    const found = await withEnv({ CXX: "/nonexistent/rio-c++" }, () =>
      ensureMtmdLibrary({ onProgress: (m) => messages.push(m) }),
    );
    assert.equal(path.dirname(path.dirname(found)), path.dirname(path.dirname(cached)));
    assert.match(messages[0], /no C\+\+ compiler found; using the cached libmtmd/);
  });

  it("the layout check names the field that differs", async () => {
    const lib = await loadMtmd();
    const defaults = lib.defaults();
    assert.throws(
      () => checkMtmdLayouts(lib.marker, { ...defaults, warmup: false }),
      (e: VisionError) =>
        e.code === "layout-mismatch" &&
        e.message.includes("field mtmd_context_params.warmup expected true got false") &&
        e.message.includes(MTMD_BINDING_COMMIT),
    );
    assert.throws(
      () => checkMtmdLayouts(lib.marker, { ...defaults, image_max_tokens: 0 }),
      /field mtmd_context_params.image_max_tokens expected -1 got 0/,
    );
    assert.throws(
      () => checkMtmdLayouts("<image>", defaults),
      /mtmd_default_marker\(\) expected "<__media__>"/,
    );
  });
});

describe("libmtmd build pieces", () => {
  it("reads the pinned commit from the bundle header", () => {
    assert.equal(bundleCommit(locateSourceBundle()), MTMD_BINDING_COMMIT);
  });

  it("lists the mtmd target's .cpp files and vendor::hash, and names a missing one", () => {
    const root = path.join(dir, "src-list");
    mkdirSync(path.join(root, "tools/mtmd/models"), { recursive: true });
    mkdirSync(path.join(root, "vendor/hash/xxhash"), { recursive: true });
    mkdirSync(path.join(root, "vendor/hash/sha1"), { recursive: true });
    mkdirSync(path.join(root, "vendor/hash/sha256"), { recursive: true });
    writeFileSync(
      path.join(root, "tools/mtmd/CMakeLists.txt"),
      "add_library(mtmd\n  mtmd.cpp\n  mtmd.h\n  models/a.cpp\n)\nadd_executable(llama-mtmd-cli mtmd-cli.cpp)\n",
    );
    for (const f of [
      "tools/mtmd/mtmd.cpp",
      "vendor/hash/hash.cpp",
      "vendor/hash/xxhash/xxhash.c",
      "vendor/hash/sha1/sha1.c",
      "vendor/hash/sha256/sha256.c",
    ])
      writeFileSync(path.join(root, f), "");
    assert.throws(
      () => sourceUnits(root),
      (e: VisionError) => e.code === "source-not-found" && e.message.includes("tools/mtmd/models/a.cpp"),
    );
    writeFileSync(path.join(root, "tools/mtmd/models/a.cpp"), "");
    assert.deepEqual(sourceUnits(root), [
      { file: "tools/mtmd/mtmd.cpp", language: "c++" },
      { file: "tools/mtmd/models/a.cpp", language: "c++" },
      { file: "vendor/hash/hash.cpp", language: "c++" },
      { file: "vendor/hash/xxhash/xxhash.c", language: "c" },
      { file: "vendor/hash/sha1/sha1.c", language: "c++" },
      { file: "vendor/hash/sha256/sha256.c", language: "c" },
    ]);
  });

  it("a compile failure names the file and carries the compiler's output", async () => {
    const root = path.join(dir, "broken");
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, "good.cpp"), "int good() { return 1; }\n");
    writeFileSync(path.join(root, "bad.cpp"), "int bad() { return undeclared_name; }\n");
    const compiler = await findCompiler();
    await assert.rejects(
      compileUnits({
        compiler,
        target: "libmtmd",
        root,
        includeDirs: [],
        units: [
          { file: "good.cpp", language: "c++" },
          { file: "bad.cpp", language: "c++" },
        ],
        outDir: root,
        jobs: 2,
      }),
      (e: NativeBuildError) =>
        e.code === "compile-failed" &&
        e.file === "bad.cpp" &&
        e.message.startsWith("compiling bad.cpp for libmtmd failed") &&
        e.message.includes("undeclared_name"),
    );
  });

  it("a missing compiler is a clear error that says to install g++", async () => {
    await withEnv({ CXX: "/nonexistent/rio-c++" }, () =>
      assert.rejects(
        findCompiler(),
        (e: NativeBuildError) =>
          e.code === "compiler-not-found" &&
          /CXX=\/nonexistent\/rio-c\+\+ cannot be run.*install g\+\+/.test(e.message),
      ),
    );
    await withEnv({ CXX: undefined, PATH: path.join(dir, "empty-path") }, () =>
      assert.rejects(
        findCompiler(),
        /no C\+\+ compiler found \(looked for c\+\+, g\+\+ and clang\+\+ on PATH\).*install g\+\+/,
      ),
    );
  });

  it("the build lock is taken over from a dead owner and waits for a live one", async () => {
    const lock = path.join(dir, "x.lock");
    writeFileSync(lock, "999999999\n"); // no such process
    let ran = false;
    const result = await withBuildLock(
      lock,
      () => false,
      () => assert.fail("must not wait for a dead owner"),
      async () => {
        ran = true;
        return 7;
      },
    );
    assert.equal(result, 7);
    assert.ok(ran && !existsSync(lock), "ran and released");
    writeFileSync(lock, `${process.pid}\n`); // held by a live process whose result then appears
    const waits: string[] = [];
    let polls = 0;
    const skipped = await withBuildLock(
      lock,
      () => ++polls > 1,
      (owner) => waits.push(owner),
      async () => assert.fail("must not build while another process holds the lock"),
    );
    assert.equal(skipped, undefined);
    assert.deepEqual(waits, [String(process.pid)]);
  });
});

describe("openImageEncoder input checks", () => {
  const model = {} as LlamaModel; // never reached: the mmproj is refused first

  it("refuses a missing file, a text model and a projector without a vision tower", async () => {
    await assert.rejects(
      openImageEncoder({ mmprojPath: path.join(dir, "none.gguf"), model }),
      (e: VisionError) => e.code === "mmproj-load-failed" && e.message.includes("does not exist"),
    );
    const write = (name: string, metadata: GgufKv[]) => {
      const file = path.join(dir, name);
      writeGguf(file, { metadata, tensors: [] });
      return file;
    };
    const text = write("text.gguf", [
      { key: "general.architecture", value: { type: "string", value: "qwen3" } },
    ]);
    await assert.rejects(
      openImageEncoder({ mmprojPath: text, model }),
      (e: VisionError) =>
        e.code === "mmproj-load-failed" &&
        e.message.includes('general.architecture is "qwen3", expected "clip"'),
    );
    const audio = write("audio.gguf", [
      { key: "general.architecture", value: { type: "string", value: "clip" } },
      { key: "clip.has_audio_encoder", value: { type: "bool", value: true } },
    ]);
    await assert.rejects(
      openImageEncoder({ mmprojPath: audio, model }),
      (e: VisionError) => e.code === "no-vision" && e.message.includes("has no vision tower"),
    );
    const notGguf = path.join(dir, "junk.gguf");
    writeFileSync(notGguf, "not a gguf at all");
    await assert.rejects(
      openImageEncoder({ mmprojPath: notGguf, model }),
      (e: VisionError) => e.code === "mmproj-load-failed" && e.message.includes("is not a readable GGUF"),
    );
    await assert.rejects(
      openImageEncoder({ mmprojPath: text, model, threads: 0 }),
      /threads = 0; expected a positive integer/,
    );
  });
});
