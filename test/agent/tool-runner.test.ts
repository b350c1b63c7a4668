// The tool runner: limits (the tool's own, then the operator's), error results for bad JSON, unknown tools
// and failures, the guard that answers for a tool stuck past its time limit, and cancellation.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { GUARD_GRACE_MS, ToolRunner } from "../../src/agent/index.js";
import { DEFAULT_LIMITS, defineTool, type ToolContext, type ToolResult } from "../../src/tools/index.js";

const seen: ToolContext[] = [];
const warmed: number[] = [];
const probe = defineTool({
  name: "probe",
  description: "Does what it is told",
  args: z.object({ act: z.enum(["echo", "throw", "hang", "slow-error"]) }).strict(),
  defaultLimits: { ...DEFAULT_LIMITS, timeMs: 60 },
  async run({ act }, ctx): Promise<ToolResult> {
    seen.push(ctx);
    if (act === "throw") throw new Error("it broke");
    // a tool that ignores its signal and its limit, as a buggy one might
    if (act === "hang") return new Promise<ToolResult>(() => {});
    if (act === "slow-error") {
      await new Promise((resolve) => setTimeout(resolve, ctx.limits.timeMs));
      return { text: "timed out", isError: true };
    }
    return { text: `limits ${ctx.limits.timeMs} ms, ${ctx.limits.outputBytes} bytes`, isError: false };
  },
});
const runner = new ToolRunner(
  [{ ...probe, warmUp: async (limits) => void warmed.push(limits?.timeMs ?? 0) }],
  {
    probe: { outputBytes: 100 },
  },
);
const never = new AbortController().signal;
const call = (args: string) => ({ id: "call_1", name: "probe", arguments: args });

test("a run gets the tool's limits with the operator's over them; definitions and warm-up", async () => {
  const run = await runner.run(call('{"act":"echo"}'), never);
  assert.deepEqual([run.result.text, run.outcome], ["limits 60 ms, 100 bytes", "ok"]);
  assert.equal(runner.definitions()[0].function.name, "probe");
  assert.deepEqual(runner.definitions()[0].function.parameters, probe.parameters);
  assert.deepEqual(
    [runner.names, runner.only([]).names, runner.only(["probe", "nope"]).names],
    [["probe"], [], ["probe"]],
  );
  await runner.warmUp();
  assert.deepEqual(warmed, [60]);
});

test("bad JSON, an unknown tool, a throw and an error past the limit are error results, never exceptions", async () => {
  const bad = await runner.run(call("{act"), never);
  assert.deepEqual(
    [bad.result, bad.outcome],
    [{ text: "the arguments of probe are not valid JSON", isError: true }, "error"],
  );
  const unknown = await runner.run({ ...call("{}"), name: "browser" }, never);
  assert.deepEqual(
    [unknown.result.text, unknown.outcome],
    ["there is no built-in tool named browser", "error"],
  );
  const thrown = await runner.run(call('{"act":"throw"}'), never);
  assert.deepEqual([thrown.result.text, thrown.outcome], ["probe failed: it broke", "error"]);
  const late = await runner.run(call('{"act":"slow-error"}'), never);
  assert.equal(late.outcome, "timeout");
});

test("a tool stuck past its time limit is answered for by the guard, and its signal aborted", async () => {
  const started = performance.now();
  const run = await runner.run(call('{"act":"hang"}'), never);
  const waited = performance.now() - started;
  assert.deepEqual([run.outcome, run.result.isError], ["timeout", true]);
  assert.match(run.result.text, /did not finish within its 60 ms limit/);
  assert.ok(waited >= 60 + GUARD_GRACE_MS - 5 && waited < 60 + GUARD_GRACE_MS + 1000, `${waited} ms`);
  assert.equal(seen.at(-1)?.signal.aborted, true);
});

test("the caller's signal cancels a run", async () => {
  const abort = new AbortController();
  const pending = runner.run(call('{"act":"slow-error"}'), abort.signal);
  abort.abort(new Error("client gone"));
  const run = await pending;
  assert.equal(run.outcome, "cancelled");
  assert.equal(seen.at(-1)?.signal.aborted, true);
});
