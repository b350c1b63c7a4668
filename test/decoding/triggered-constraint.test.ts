/** The lazily triggered constraint: free text, a span held from the trigger to its grammar's end, re-armed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type SpanConstraint, TriggeredConstraint } from "../../src/decoding/index.js";

const TRIGGER = 9;
const END = 0;

/** A span that must spell `script` and is then complete (allows END); records its life. */
function spanOf(script: number[], log: string[]): SpanConstraint {
  let at = 0;
  const allows = (id: number) => (at === script.length ? id === END : id === script[at]);
  return {
    allows,
    mask: (logits) => logits.map((x, id) => (allows(id) ? x : Number.NEGATIVE_INFINITY)),
    allowedAmong: (ids) => ids.filter(allows),
    accept: (id) => {
      assert.ok(allows(id));
      at++;
    },
    free: () => log.push("free"),
  };
}

test("free until the trigger, held to the span's grammar until it is complete, then free and re-armed", () => {
  const log: string[] = [];
  const constraint = new TriggeredConstraint(TRIGGER, () => {
    log.push("open");
    return spanOf([4, 5], log);
  }, [END]);
  assert.ok(constraint.allows(3) && constraint.allows(7));
  constraint.accept(3);
  constraint.accept(TRIGGER);
  assert.deepEqual(
    [constraint.allows(4), constraint.allows(5), constraint.allows(TRIGGER)],
    [true, false, false],
  );
  assert.deepEqual([...constraint.allowedAmong(Int32Array.from([TRIGGER, 5, 4]))], [4]);
  constraint.accept(4);
  constraint.accept(5);
  // complete: the span is freed, everything passes again, and the next trigger opens a fresh span
  assert.deepEqual(log, ["open", "free"]);
  assert.ok(constraint.allows(7) && constraint.allows(TRIGGER));
  constraint.accept(TRIGGER);
  assert.equal(constraint.allows(5), false);
  constraint.free();
  assert.deepEqual(log, ["open", "free", "open", "free"]);
});
