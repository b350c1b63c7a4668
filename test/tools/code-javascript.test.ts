// The code tool's JavaScript sandbox (QuickJS in a worker thread): results, and the same attacks as for
// Python — an endless loop, memory bombs, host APIs for files and network, a 100 MB print, cancellation —
// each followed by a run that still works.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type CodeTool, codeTool, DEFAULT_LIMITS, type ToolLimits } from "../../src/tools/index.js";

let code: CodeTool;
before(() => {
  code = codeTool();
});
after(() => code.close());

const javascript = (
  source: string,
  limits: Partial<ToolLimits> = {},
  signal = new AbortController().signal,
) => code.run({ language: "javascript", code: source }, { signal, limits: { ...DEFAULT_LIMITS, ...limits } });

async function stillWorks(limits: Partial<ToolLimits> = {}): Promise<void> {
  const result = await javascript("console.log('ok'); 2 ** 10", limits);
  assert.equal(result.text, "stdout:\nok\n\nvalue:\n1024");
}

test("prints, gives the last expression's value (awaited if a promise), and reports errors", async () => {
  const ok = await javascript("console.log('hello', { a: 1 }); [1, 2, 3].map((x) => x * 2)");
  assert.equal(ok.text, 'stdout:\nhello {"a":1}\n\nvalue:\n[2,4,6]');

  const awaited = await javascript("(async () => { await null; return 'done'; })()");
  assert.equal(awaited.text, 'value:\n"done"');

  const failed = await javascript("function f() { throw new TypeError('bad input'); }\nf()");
  assert.equal(failed.isError, true);
  assert.match(failed.text, /^error:\nTypeError: bad input\n {4}at f \(code\.js:1/);

  const rejected = await javascript("Promise.reject(new RangeError('no'))");
  assert.match(rejected.text, /^error:\nRangeError: no/);
});

test("an endless loop is stopped at the time limit", async () => {
  const started = performance.now();
  const result = await javascript("for (;;) {}", { timeMs: 500 });
  assert.equal(result.data?.timedOut, true);
  assert.match(result.text, /timed out after 500 ms/);
  assert.ok(performance.now() - started < 500 + 2000);
  await stillWorks();
});

test("memory bombs stop at the memory limit", async () => {
  const limits = { memoryBytes: 32 * 2 ** 20 };
  for (const bomb of [
    "const keep = []; for (;;) keep.push(new Array(1e5).fill(1))",
    // strings built by concatenation escape QuickJS's own count; the Wasm memory's maximum stops them
    "const keep = []; for (;;) keep.push('x'.repeat(1e5) + keep.length)",
  ]) {
    const started = performance.now();
    const result = await javascript(bomb, limits);
    assert.equal(result.isError, true, bomb);
    assert.match(result.text, /out of memory/, bomb);
    assert.ok(performance.now() - started < 5000, bomb);
  }
  await stillWorks(limits);
});

test("there is no file, network or host API to call", async () => {
  const result = await javascript(
    [
      "const names = ['fetch', 'XMLHttpRequest', 'WebSocket', 'require', 'process', 'Deno', 'std', 'os', 'setTimeout'];",
      "console.log(names.filter((n) => typeof globalThis[n] !== 'undefined').join(',') || 'none');",
      "Promise.allSettled(['os', 'std', 'node:fs', 'node:net'].map((m) => import(m))).then((r) => r.map((x) => x.status))",
    ].join("\n"),
  );
  assert.equal(result.text, 'stdout:\nnone\n\nvalue:\n["rejected","rejected","rejected","rejected"]');
  await stillWorks();
});

test("a 100 MB print is cut to the output limit, with a note of its size", async () => {
  const result = await javascript(
    "const line = 'x'.repeat(1e6 - 1); for (let i = 0; i < 100; i++) console.log(line)",
    {
      outputBytes: 4096,
    },
  );
  assert.equal(result.isError, false, result.text);
  assert.equal(result.data?.stdout.length, 4096);
  assert.equal(result.data?.stdoutBytes, 100_000_000);
  assert.match(result.text, /\[truncated: 100000000 bytes in all, the first 4096 shown\]$/);
  await stillWorks();
});

test("a cancelled run stops at once", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const started = performance.now();
  const result = await javascript("for (;;) {}", { timeMs: 10_000 }, controller.signal);
  assert.equal(result.text, "error:\ncancelled");
  assert.ok(performance.now() - started < 2000);
  await stillWorks();
});
