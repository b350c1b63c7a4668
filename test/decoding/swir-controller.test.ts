import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CotController,
  type DecodingController,
  type FedInput,
  MEAN_ROW_ID,
  type MixtureTerm,
  type StepResult,
  SwiReasoningController,
  type SwirParams,
  softTerms,
  swirParams,
  topMass,
} from "../../src/decoding/index.js";
import {
  END,
  EOS,
  FAKE_VOCAB,
  LB,
  row,
  runScript,
  ScriptedSampler,
  type ScriptStep,
  TERMINATION,
  THINK,
} from "./fake-model.js";

function swir(overrides: Partial<SwirParams> = {}): SwiReasoningController {
  return new SwiReasoningController(
    swirParams({ max_new_tokens: 100, stop_token_ids: [EOS], window: 3, ...overrides }),
    FAKE_VOCAB,
  );
}

/** Asserts a mixture with these ids and weights (weights within 1e-12). */
function assertMixture(fed: FedInput, expected: MixtureTerm[], label = "") {
  assert.equal(fed.kind, "mixture", `${label} kind`);
  if (fed.kind !== "mixture") return;
  assert.deepEqual(
    fed.terms.map((t) => t.id),
    expected.map((t) => t.id),
    `${label} ids`,
  );
  for (const [i, t] of fed.terms.entries()) {
    assert.ok(Math.abs(t.weight - expected[i].weight) < 1e-12, `${label} weight of ${t.id}: ${t.weight}`);
  }
}

/** Expected soft terms of row(level) at the default head, scaled by `a`, plus special rows. */
function soft(level: number, a = 1, ...special: MixtureTerm[]): MixtureTerm[] {
  const head = softTerms(topMass(row(level), { mass: 1 - 1e-3, maxCount: 1024 }));
  return [...head.map((t) => ({ id: t.id, weight: a * t.weight })), ...special];
}

const modes = (rs: StepResult[]) => rs.map((r) => r.mode);
const switches = (rs: StepResult[]) => rs.map((r) => r.switched);
const steps = (levels: number[], token = 5): ScriptStep[] => levels.map((level) => ({ level, token }));

test("starts latent; step 0 feeds 0.9*soft + 0.1*E[line-break] and sets ref_H", () => {
  const { results } = runScript(swir(), steps([20]));
  const [r] = results;
  assert.equal(r.mode, "latent");
  assert.equal(r.switched, null);
  assert.equal(r.refEntropy, r.entropy);
  // The soft head of a level-20 row is token 0 plus a 1.3e-7 tail on the mean row.
  assertMixture(r.fed, soft(20, 0.9, { id: LB, weight: 0.1 }));
  const p0 = 1 / (1 + 63 * Math.exp(-20));
  assertMixture(r.fed, [
    { id: 0, weight: 0.9 * p0 },
    { id: MEAN_ROW_ID, weight: 0.9 * (1 - p0) },
    { id: LB, weight: 0.1 },
  ]);

  // A flatter row: more head terms; all weights still sum to 1.
  const flat = swir().step(row(5), new ScriptedSampler([5]));
  assertMixture(flat.fed, soft(5, 0.9, { id: LB, weight: 0.1 }));
  if (flat.fed.kind === "mixture")
    assert.ok(Math.abs(flat.fed.terms.reduce((s, t) => s + t.weight, 0) - 1) < 1e-12);
});

test("latent -> explicit as soon as entropy drops below ref_H (no window), fed beta*soft + (1-beta)*E[</think>]", () => {
  const { results } = runScript(swir(), [
    ...steps([20, 15]),
    { level: 25, token: 6 },
    { level: 30, token: 7 },
  ]);
  assert.deepEqual(modes(results), ["latent", "latent", "explicit", "explicit"]);
  assert.deepEqual(switches(results), [null, null, "to_explicit", null]);
  assert.equal(results[1].refEntropy, results[0].entropy, "a rise without a switch keeps ref_H");
  assertMixture(results[1].fed, soft(15), "plain latent step");
  const beta = 0.7 + (0.3 * 2) / 100;
  assertMixture(results[2].fed, soft(25, beta, { id: END, weight: 1 - beta }), "into explicit");
  assert.equal(results[2].refEntropy, results[2].entropy, "ref_H reset at the switch");
  assert.deepEqual(results[3].fed, { kind: "token", id: 7 });
});

test("the window blocks explicit -> latent until stay >= window; the switch feeds alpha*soft + (1-alpha)*E[<think>]", () => {
  const { results } = runScript(swir({ window: 3, alpha0: 0.5 }), steps([20, 25, 13, 13, 13, 13]));
  assert.deepEqual(modes(results), ["latent", "explicit", "explicit", "explicit", "latent", "latent"]);
  assert.deepEqual(switches(results), [null, "to_explicit", null, null, "to_latent", null]);
  assert.deepEqual(results[2].fed, { kind: "token", id: 5 });
  const alpha = 0.5 + (0.5 * 4) / 100;
  assertMixture(results[4].fed, soft(13, alpha, { id: THINK, weight: 1 - alpha }), "into latent");
  assertMixture(results[5].fed, soft(13), "latent");
});

test("a sampled </think> locks explicit feeding forever: no switch back to latent", () => {
  const script: ScriptStep[] = [
    { level: 20, token: 5 },
    { level: 15, token: END },
    ...steps([25, 13, 13, 13, 13, 13]),
  ];
  const { results } = runScript(swir({ window: 1 }), script);
  // Locked while still in latent mode: the step is fed as a token.
  assert.equal(results[1].mode, "latent");
  assert.deepEqual(results[1].fed, { kind: "token", id: END });
  assert.equal(results[2].switched, "to_explicit", "latent -> explicit is still allowed");
  assert.equal(results[2].fed.kind, "mixture", "the beta mix still applies at that switch");
  assert.deepEqual(modes(results.slice(3)), ["explicit", "explicit", "explicit", "explicit", "explicit"]);
  for (const r of results.slice(3)) assert.equal(r.fed.kind, "token");
});

test("math tokens force an explicit step even in latent mode (step 0 included), unless disabled", () => {
  const script: ScriptStep[] = [
    { level: 20, token: 12 },
    { level: 15, token: 5 },
    { level: 15, token: 13 },
  ];
  const { results } = runScript(swir(), script);
  assert.deepEqual(modes(results), ["latent", "latent", "latent"]);
  assert.deepEqual(
    results.map((r) => r.fed.kind),
    ["token", "mixture", "token"],
  );
  assert.deepEqual(results[2].fed, { kind: "token", id: 13 });
  const off = runScript(swir({ math_tokens: false }), script).results;
  assert.deepEqual(
    off.map((r) => r.fed.kind),
    ["mixture", "mixture", "mixture"],
  );
});

test("alpha and beta anneal linearly from alpha0 / beta0 towards 1 over max_new_tokens", () => {
  const c = swir({ max_new_tokens: 10, window: 1, alpha0: 0.2, beta0: 0.4 });
  const { results } = runScript(c, steps([20, 25, 13, 30, 13]));
  assert.deepEqual(switches(results), [null, "to_explicit", "to_latent", "to_explicit", "to_latent"]);
  const beta = (t: number) => 0.4 + (0.6 * t) / 10;
  const alpha = (t: number) => 0.2 + (0.8 * t) / 10;
  assertMixture(results[1].fed, soft(25, beta(1), { id: END, weight: 1 - beta(1) }), "t=1");
  assertMixture(results[2].fed, soft(13, alpha(2), { id: THINK, weight: 1 - alpha(2) }), "t=2");
  assertMixture(results[3].fed, soft(30, beta(3), { id: END, weight: 1 - beta(3) }), "t=3");
  assertMixture(results[4].fed, soft(13, alpha(4), { id: THINK, weight: 1 - alpha(4) }), "t=4");
  assert.equal(c.switchCount, 2);
});

// N = 1: switches 1 and 2 inject the convergence string, switch 3 the termination string + answer budget.
const SWITCH_CONTROL_SCRIPT: ScriptStep[] = [
  ...steps([20, 25]), // t0 latent, t1 to_explicit (switch 1) -> inject </think>
  { level: 25, token: 6 }, // t2 forced </think>
  ...steps([13, 30]), // t3 to_latent (the injected </think> did not lock), t4 to_explicit (switch 2)
  { level: 30, token: 6 }, // t5 forced </think>
  ...steps([13, 35]), // t6 to_latent, t7 to_explicit (switch 3 > 2N) -> termination + budget
  ...steps(Array(40).fill(35), 9),
];

test("convergence injection while N <= switches <= 2N; an injected </think> does not lock", () => {
  const c = swir({ max_switch_count: 1, window: 1, alpha0: 0.5 });
  const { results } = runScript(c, SWITCH_CONTROL_SCRIPT.slice(0, 6));
  assert.deepEqual(switches(results), [null, "to_explicit", null, "to_latent", "to_explicit", null]);
  assert.deepEqual(
    results.map((r) => r.forced),
    [false, false, true, false, false, true],
  );
  assert.deepEqual(
    results.map((r) => r.tokenId),
    [5, 5, END, 5, 5, END],
  );
  assert.deepEqual(results[2].fed, { kind: "token", id: END }, "forced tokens are fed as tokens");
  assert.equal(c.switchCount, 2);
});

test("termination injection after 2N switches, then the answer budget (32 tokens from the switch step) stops", () => {
  const c = swir({ max_switch_count: 1, window: 1, alpha0: 0.5 });
  const { results, sampler } = runScript(c, SWITCH_CONTROL_SCRIPT);
  assert.equal(results[7].switched, "to_explicit");
  assert.equal(c.switchCount, 3);
  assert.deepEqual(
    results.slice(8, 12).map((r) => r.tokenId),
    TERMINATION,
  );
  assert.deepEqual(
    results.slice(8, 12).map((r) => r.forced),
    [true, true, true, true],
  );
  assert.equal(results[12].forced, false);
  assert.equal(results.length, 7 + 32, "the switch step and 31 more");
  assert.equal(results.at(-1)?.stop, "answer_budget");
  assert.ok(results.slice(0, -1).every((r) => r.stop === null));
  assert.deepEqual(
    sampler.accepted,
    results.map((r) => r.tokenId),
    "the sampler learns the emitted tokens, forced ones included",
  );
  assert.throws(() => c.step(row(35), sampler), /already stopped/);
});

test("a forced token is fed as a token even when it lands in latent mode (window shorter than the injection)", () => {
  const c = new SwiReasoningController(
    swirParams({ max_new_tokens: 100, stop_token_ids: [EOS], window: 1, max_switch_count: 1 }),
    { ...FAKE_VOCAB, convergenceIds: [END, 40, 41] },
  );
  const { results } = runScript(c, steps([20, 25, 13, 13, 13]));
  assert.deepEqual(switches(results), [null, "to_explicit", "to_latent", null, null]);
  assert.deepEqual(
    results.slice(2).map((r) => [r.mode, r.forced, r.fed]),
    [
      ["latent", true, { kind: "token", id: END }],
      ["latent", true, { kind: "token", id: 40 }],
      ["latent", true, { kind: "token", id: 41 }],
    ],
  );
});

test("stops on a stop token (emitted) and at max_new_tokens", () => {
  const eos = runScript(swir(), [
    { level: 20, token: 5 },
    { level: 20, token: EOS },
    { level: 20, token: 5 },
  ]).results;
  assert.deepEqual(
    eos.map((r) => r.stop),
    [null, "eos"],
  );
  assert.equal(eos[1].tokenId, EOS);
  const max = runScript(swir({ max_new_tokens: 3 }), steps([20, 20, 20, 20])).results;
  assert.deepEqual(
    max.map((r) => r.stop),
    [null, null, "max_tokens"],
  );
});

test("cot feeds every token explicitly; entropy only on request", () => {
  const { results } = runScript(
    new CotController({ max_new_tokens: 10, stop_token_ids: [EOS] }),
    steps([20, 3]),
  );
  assert.deepEqual(
    results.map((r) => [r.mode, r.fed, r.entropy]),
    [
      ["explicit", { kind: "token", id: 5 }, null],
      ["explicit", { kind: "token", id: 5 }, null],
    ],
  );
  const withH = new CotController({ max_new_tokens: 10, stop_token_ids: [EOS] }, { reportEntropy: true });
  const r = withH.step(row(3), new ScriptedSampler([1]));
  assert.ok(Math.abs((r.entropy ?? 0) - topMass(row(3), { mass: 1, maxCount: 1 }).entropy) < 1e-15);
});

test("a batch mixing cot and SwiReasoning keeps per-sequence state; a finished sequence leaves", () => {
  const make = (): { controller: DecodingController; script: ScriptStep[] }[] => [
    {
      controller: new CotController({ max_new_tokens: 50, stop_token_ids: [EOS] }),
      script: [...steps([20, 20]), { level: 20, token: EOS }],
    },
    {
      controller: swir({ max_switch_count: 1, window: 1, alpha0: 0.5 }),
      script: SWITCH_CONTROL_SCRIPT.slice(0, 12),
    },
    {
      controller: swir({ window: 2 }),
      script: [{ level: 20, token: 12 }, { level: 15, token: END }, ...steps([25, 13, 13, 13, 30, 13])],
    },
  ];
  const alone = make().map(({ controller, script }) => runScript(controller, script).results);

  const batch = make().map(({ controller, script }) => ({
    controller,
    script,
    sampler: new ScriptedSampler(script.map((s) => s.token)),
    results: [] as StepResult[],
  }));
  let active = [...batch];
  const batchSizes: number[] = [];
  while (active.length > 0) {
    batchSizes.push(active.length);
    for (const seq of active) {
      const s = seq.script[seq.results.length];
      seq.results.push(seq.controller.step(row(s.level, s.top ?? 0), seq.sampler));
    }
    active = active.filter((seq) => !seq.controller.finished && seq.results.length < seq.script.length);
  }
  for (const [i, seq] of batch.entries()) assert.deepEqual(seq.results, alone[i], `sequence ${i}`);
  assert.equal(alone[0].at(-1)?.stop, "eos");
  assert.deepEqual(batchSizes.slice(0, 4), [3, 3, 3, 2], "the cot sequence left after its third step");
});

test("swirParams fills defaults and rejects bad values by field", () => {
  const p = swirParams({ max_new_tokens: 10, stop_token_ids: [] });
  assert.deepEqual(
    [p.alpha0, p.beta0, p.window, p.max_switch_count, p.answer_budget],
    [1, 0.7, 512, null, 32],
  );
  assert.throws(
    () => swirParams({ max_new_tokens: 10, stop_token_ids: [], alpha0: 1.5 }),
    /alpha0 must be in \[0, 1\]/,
  );
  assert.throws(
    () => swirParams({ max_new_tokens: 10, stop_token_ids: [], max_switch_count: 0 }),
    /max_switch_count/,
  );
  assert.throws(() => swirParams({ max_new_tokens: 0, stop_token_ids: [] }), /max_new_tokens/);
});
