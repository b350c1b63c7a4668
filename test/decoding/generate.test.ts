/** generate() through the real engine on a tiny checkpoint: reproducible swir and cot, stops, cancellation. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type GenerateRequest,
  type GenerateStep,
  type GenerateSummary,
  generate,
} from "../../src/decoding/index.js";
import { createEngine, type Engine, type RioModel, Scheduler } from "../../src/engine/index.js";
import { tinyModel } from "../engine/tiny-model.js";

let fixture: ReturnType<typeof tinyModel>;
let model: RioModel;
let engine: Engine;
let scheduler: Scheduler;
before(() => {
  fixture = tinyModel(5, "f32"); // f32: llama.cpp's quantised kernels are not bit-identical between batch sizes
  model = fixture.model;
  engine = createEngine(model, { ctx: 2048, maxSequences: 4 });
  scheduler = new Scheduler(engine);
});
after(() => {
  engine.close();
  fixture.dispose();
});

async function collect(
  request: GenerateRequest,
): Promise<{ steps: GenerateStep[]; summary: GenerateSummary }> {
  const steps: GenerateStep[] = [];
  const it = generate(model, scheduler, request);
  for (let r = await it.next(); ; r = await it.next()) {
    if (r.done) return { steps, summary: r.value };
    steps.push(r.value);
  }
}

const chat = (reasoning: GenerateRequest["reasoning"]): GenerateRequest => ({
  messages: [{ role: "user", content: "Quanto é 12 vezes 7? Pense com cuidado." }],
  reasoning,
  sampling: { seed: 11 },
  maxTokens: 48,
  ignoreEos: true,
});

test("swir and cot with a fixed seed give identical results on two runs", async () => {
  for (const reasoning of [{ method: "swir" as const, window: 8 }, { method: "cot" as const }]) {
    const a = await collect(chat(reasoning));
    const b = await collect(chat(reasoning));
    assert.deepEqual(
      a.steps.map((s) => [s.tokenId, s.mode, s.fed]),
      b.steps.map((s) => [s.tokenId, s.mode, s.fed]),
    );
    assert.equal(a.summary.tokens, 48);
    assert.equal(a.summary.stopReason, "length");
  }
});

test("swir starts latent and feeds mixtures; cot feeds only tokens", async () => {
  const swir = await collect(chat({ method: "swir" }));
  assert.equal(swir.steps[0].mode, "latent");
  assert.equal(swir.steps[0].fed, "mixture");
  assert.equal(swir.summary.latentSteps, swir.steps.filter((s) => s.fed === "mixture").length);
  assert.ok(swir.summary.latentSteps > 0);
  const cot = await collect(chat({ method: "cot" }));
  assert.ok(cot.steps.every((s) => s.mode === "explicit" && s.fed === "token" && s.switched === null));
  assert.equal(cot.summary.latentSteps, 0);
});

test("concurrent mixed requests equal the same requests run alone", async () => {
  const requests = [
    chat({ method: "swir", window: 4 }),
    chat({ method: "cot" }),
    { ...chat({ method: "swir" }), sampling: { seed: 2 } },
  ];
  const alone = [];
  for (const r of requests) alone.push((await collect(r)).steps.map((s) => s.tokenId));
  const together = await Promise.all(
    requests.map(async (r) => (await collect(r)).steps.map((s) => s.tokenId)),
  );
  assert.deepEqual(together, alone);
});

test("a stop string ends the text before it; the text is what the tokens decode to", async () => {
  const full = await collect(chat({ method: "cot" }));
  const text = full.steps.map((s) => s.text).join("");
  assert.equal(
    text,
    model.tokenizer.decode(
      full.steps.map((s) => s.tokenId),
      { skipSpecialTokens: true },
    ),
  );
  const stop = text.slice(Math.floor(text.length / 2), Math.floor(text.length / 2) + 3);
  const stopped = await collect({ ...chat({ method: "cot" }), stop: [stop] });
  assert.equal(stopped.summary.stopReason, "stop");
  assert.equal(stopped.steps.map((s) => s.text).join(""), text.slice(0, text.indexOf(stop)));
});

test("aborting a request frees its sequence at once", async () => {
  const controller = new AbortController();
  const it = generate(model, scheduler, {
    ...chat({ method: "swir" }),
    maxTokens: 1000,
    signal: controller.signal,
  });
  await it.next();
  await it.next();
  controller.abort();
  let r = await it.next();
  while (!r.done) r = await it.next();
  assert.equal(r.value.stopReason, "aborted");
  // freed at once, or when the step in flight (if any) ends: at most one more step
  const steps = scheduler.steps;
  const deadline = performance.now() + 30_000; // a liveness limit; what is asserted is the step count
  while (engine.freeSequences < 4 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  assert.equal(engine.freeSequences, 4);
  assert.ok(scheduler.steps <= steps + 1, `${scheduler.steps - steps} steps ran after the abort`);
});

test("a thinking budget closes the reasoning in time and the answer follows, for swir and cot", async () => {
  const thinkEnd = model.tokenizer.specialIds.thinkEnd;
  const closeLength = model.tokenizer.encode("\n").length + 1; // "\n</think>"
  for (const reasoning of [{ method: "swir" as const }, { method: "cot" as const }]) {
    const { steps, summary } = await collect({ ...chat(reasoning), thinkingBudget: 6 });
    const close = steps.findIndex((s) => s.tokenId === thinkEnd);
    assert.ok(close >= 0 && close < 6 + closeLength, `${reasoning.method}: </think> at step ${close}`);
    assert.equal(summary.reasoningTokens, close + 1);
    assert.ok(
      steps.slice(close + 1).every((s) => s.fed === "token"),
      "the answer is decoded explicitly",
    );
    assert.ok(summary.tokens > close + 3, "an answer follows");
  }
});
