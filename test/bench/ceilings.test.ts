// The serve bench's bare-engine replay does a load's work and nothing else: the steps a continuous-batching
// server would run at best (new requests' prompts prefilled beside the others' one-token decodes), every
// generated token counted once, every sequence given back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { replayLoad } from "../../bench/ceilings.js";
import { createEngine, type Engine } from "../../src/engine/index.js";
import { tinyModel } from "../engine/tiny-model.js";

let fixture: ReturnType<typeof tinyModel>;
let engine: Engine;
before(() => {
  fixture = tinyModel(5, "f32");
  engine = createEngine(fixture.model, { ctx: 256, maxSequences: 2, batchSize: 64 });
});
after(() => {
  engine.close();
  fixture.dispose();
});

test("a replay runs the requests in order in the clients' slots, prompts beside decodes", async () => {
  const steps: number[][] = [];
  const step = engine.step.bind(engine);
  engine.step = (inputs) => {
    steps.push(inputs.map((input) => ("tokens" in input ? input.tokens.length : -1)));
    return step(inputs);
  };
  try {
    const work = [
      { promptTokens: 5, tokens: 3 },
      { promptTokens: 7, tokens: 1 },
      { promptTokens: 4, tokens: 2 },
      { promptTokens: 9, tokens: 0 }, // nothing generated (a refused request): no work
    ];
    const tokensPerSecond = await replayLoad(engine, work, 2);
    assert.ok(tokensPerSecond > 0 && Number.isFinite(tokensPerSecond));
    // 1: both prompts (the second request's only token); 2: the third's prompt beside the first's decode;
    // 3: both decode, and both are done
    assert.deepEqual(steps, [
      [5, 7],
      [1, 4],
      [1, 1],
    ]);
  } finally {
    engine.step = step;
  }
  // every sequence was given back: both slots open again
  const open = [engine.openSequence(), engine.openSequence()];
  for (const seq of open) engine.release(seq);
});
