import assert from "node:assert/strict";
import os from "node:os";
import { test } from "node:test";
import { locateLibraries } from "../../src/llama/discovery.js";
import { type LlamaError, loadLlama, physicalCores } from "../../src/llama/index.js";
import { checkLayouts, type QuantizeParams, type ThreadpoolParams } from "../../src/llama/structs.js";

test("loadLlama finds the installed CPU package, loads the backends and passes the struct self-check", () => {
  const llama = loadLlama();
  if (!process.env.RIO_LLAMA_LIB_DIR) assert.match(llama.location.source, /^@node-llama-cpp\//);
  assert.ok(
    llama.devices.some((d) => d.type === "cpu"),
    "ggml reports a CPU device",
  );
  assert.match(llama.systemInfo(), /CPU/);
  assert.equal(loadLlama(), llama, "one instance per process");
});

test("the layout check names the field that differs", () => {
  const llama = loadLlama();
  const api = (llama as unknown as { api: Record<string, (...args: unknown[]) => Record<string, unknown>> })
    .api;
  const model = api.llama_model_default_params();
  const context = api.llama_context_default_params();
  const pool: Record<string, unknown> = {};
  api.ggml_threadpool_params_init(pool, 1);
  const threadpool = pool as unknown as ThreadpoolParams;
  const quantize = api.llama_model_quantize_default_params() as QuantizeParams;
  assert.doesNotThrow(() => checkLayouts(model, context, threadpool, quantize));
  assert.throws(
    () => checkLayouts(model, context, { ...threadpool, poll: 7 }, quantize),
    (e: LlamaError) =>
      e.code === "layout-mismatch" &&
      e.message.includes("field ggml_threadpool_params.poll expected 50 got 7"),
  );
  assert.throws(
    () => checkLayouts(model, { ...context, n_ubatch: 1024 }, threadpool, quantize),
    (e: LlamaError) =>
      e.code === "layout-mismatch" &&
      e.message.includes("field llama_context_params.n_ubatch expected 512 got 1024") &&
      e.message.includes("llama.cpp v0.4.0 from node-llama-cpp 3.21.1"),
  );
  assert.throws(
    () => checkLayouts(model, context, threadpool, { ...quantize, ftype: 15 }),
    (e: LlamaError) => e.message.includes("field llama_model_quantize_params.ftype expected 7 got 15"),
  );
});

test("an explicit library folder without the libraries is a clear error", () => {
  assert.throws(
    () => locateLibraries({ libDir: os.tmpdir() }),
    (e: LlamaError) => e.code === "library-not-found" && e.message.includes(os.tmpdir()),
  );
  const saved = process.env.RIO_LLAMA_LIB_DIR;
  process.env.RIO_LLAMA_LIB_DIR = "/nonexistent-rio-dir";
  try {
    assert.throws(() => locateLibraries(), /RIO_LLAMA_LIB_DIR: folder \/nonexistent-rio-dir/);
  } finally {
    if (saved === undefined) delete process.env.RIO_LLAMA_LIB_DIR;
    else process.env.RIO_LLAMA_LIB_DIR = saved;
  }
});

test("asking for a GPU build that is not installed names the package to install", () => {
  assert.throws(
    () => locateLibraries({ gpu: "vulkan" }),
    (e: LlamaError) =>
      e.code === "library-not-found" && e.message.includes("@node-llama-cpp/linux-x64-vulkan@3.21.1"),
  );
});

test("thread default is the physical core count, never above the logical count", () => {
  const cores = physicalCores();
  assert.ok(cores >= 1 && cores <= os.availableParallelism());
});
