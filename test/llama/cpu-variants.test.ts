// RIO_CPU_VARIANT: the variants of the installed build, the refusal of a name the build lacks or the
// processor cannot run (never an illegal-instruction crash), and a chosen variant actually in use.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import {
  type CpuVariant,
  cpuVariants,
  type LlamaError,
  loadLlama,
  pickCpuVariant,
} from "../../src/llama/index.js";

const variants = cpuVariants(loadLlama().location.dir);
const rio = (env: Record<string, string>) =>
  spawnSync(process.execPath, ["bin/rio.js", "info", "--json"], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });

test("the installed build's CPU variants are listed and scored, the one in use among the runnable", () => {
  assert.ok(variants.length > 1, `variants: ${variants.map((v) => v.name)}`);
  assert.ok(
    variants.some((v) => v.name === "x64" && v.score > 0),
    "the baseline x64 variant runs anywhere",
  );
  const inUse = loadLlama().cpuVariant;
  assert.ok(inUse && inUse.score > 0, `in use: ${inUse?.name}`);
  if (!process.env.RIO_CPU_VARIANT)
    assert.equal(inUse.score, Math.max(...variants.map((v) => v.score)), "ggml's choice is the top score");
});

test("pickCpuVariant refuses unknown names and variants scored 0, naming the runnable ones", () => {
  const listed: CpuVariant[] = [
    { name: "zen4", path: "/x/libggml-cpu-zen4.so", score: 1984 },
    { name: "sapphirerapids", path: "/x/libggml-cpu-sapphirerapids.so", score: 0 },
    { name: "x64", path: "/x/libggml-cpu-x64.so", score: 1 },
  ];
  assert.equal(pickCpuVariant("x64", listed).path, "/x/libggml-cpu-x64.so");
  assert.throws(
    () => pickCpuVariant("sapphirerapids", listed),
    (e: LlamaError) =>
      e.code === "cpu-variant-unsupported" &&
      e.message.includes("this processor lacks instructions the sapphirerapids variant") &&
      e.message.includes("runnable here: zen4, x64"),
  );
  assert.throws(
    () => pickCpuVariant("pentium", listed),
    /no such llama.cpp CPU variant; this build has zen4/,
  );
});

test("RIO_CPU_VARIANT=NAME makes any rio command use that variant alone", () => {
  const result = rio({ RIO_CPU_VARIANT: "x64", RIO_LLAMA_LOG: "1" });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).cpuVariant, "x64");
  const loaded = result.stderr.match(/loaded CPU backend from \S+/g) ?? [];
  assert.deepEqual(
    loaded.map((line) => line.replace(/.*\//, "")),
    ["libggml-cpu-x64.so"],
  );
});

test("a variant this build lacks, or this processor cannot run, exits non-zero with the reason", (t) => {
  const unknown = rio({ RIO_CPU_VARIANT: "pentium" });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^rio: RIO_CPU_VARIANT=pentium: no such llama.cpp CPU variant/);
  const unrunnable = variants.find((v) => v.score === 0);
  if (!unrunnable) {
    t.diagnostic(
      "this processor runs every variant of the build: the refusal is covered by the unit test above",
    );
    return;
  }
  const refused = rio({ RIO_CPU_VARIANT: unrunnable.name });
  assert.equal(refused.status, 1, `exit ${refused.status} signal ${refused.signal}`);
  assert.match(
    refused.stderr,
    new RegExp(`this processor lacks instructions the ${unrunnable.name} variant`),
  );
});
