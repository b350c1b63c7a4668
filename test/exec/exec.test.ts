/** External tools: a slot per core (in order, within their time limit, abortable), and private input files. */
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { test } from "node:test";
import { runTool, withPrivateFile } from "../../src/exec/index.js";
import { ToolSlots } from "../../src/exec/tool-slots.js";

test("slots: beyond the size runs wait in order; a release starts the next; time limit and abort give up", async () => {
  const slots = new ToolSlots(2);
  const timeout = () => new Error("no slot");
  const a = await slots.acquire(1000, timeout);
  const b = await slots.acquire(1000, timeout);
  const started: string[] = [];
  const c = slots.acquire(1000, timeout).then((release) => {
    started.push("c");
    return release;
  });
  const d = slots.acquire(1000, timeout).then((release) => {
    started.push("d");
    return release;
  });
  assert.deepEqual(slots.load, { running: 2, waiting: 2 });
  a();
  a(); // a second release of the same slot does nothing
  const releaseC = await c;
  assert.deepEqual(started, ["c"]);
  assert.deepEqual(slots.load, { running: 2, waiting: 1 });
  b();
  (await d)();
  releaseC();
  assert.deepEqual(slots.load, { running: 0, waiting: 0 });

  const held = [await slots.acquire(1000, timeout), await slots.acquire(1000, timeout)];
  await assert.rejects(slots.acquire(20, timeout), /no slot/);
  const abort = new AbortController();
  const aborted = slots.acquire(1000, timeout, abort.signal);
  abort.abort(new Error("client left"));
  await assert.rejects(aborted, /client left/);
  assert.deepEqual(slots.load, { running: 2, waiting: 0 });
  for (const release of held) release();
});

test("runTool: a tool's slot is freed whatever its end", async () => {
  const runs = Array.from({ length: 6 }, () => runTool("true", [], { maxBytes: 1 }));
  assert.deepEqual(
    (await Promise.all(runs)).map((r) => r.code),
    [0, 0, 0, 0, 0, 0],
  );
  await assert.rejects(runTool("rio-no-such-tool", [], { maxBytes: 1 }), /was not found/);
  assert.equal((await runTool("true", [], { maxBytes: 1 })).code, 0);
});

test("withPrivateFile: the bytes in a file only this user reads, removed afterwards, also when use throws", async () => {
  let seen = "";
  const got = await withPrivateFile("rio-test-", "input", new Uint8Array([104, 105]), async (file) => {
    seen = file;
    assert.equal(statSync(file).mode & 0o777, 0o600);
    return readFileSync(file, "utf8");
  });
  assert.equal(got, "hi");
  assert.equal(existsSync(dirname(seen)), false);
  await assert.rejects(
    withPrivateFile("rio-test-", "input", new Uint8Array(1), async (file) => {
      seen = file;
      throw new Error("tool failed");
    }),
    /tool failed/,
  );
  assert.equal(existsSync(dirname(seen)), false);
});
