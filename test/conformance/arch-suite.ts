/**
 * @module The conformance tests every architecture runs, registered by one call per test file:
 * make-tiny -> rio convert (F32, Q8_0, Q4_0) -> llama.cpp through Rio's engine, against the float64
 * reference read from the Hugging Face checkpoint. The F32 bounds are the acceptance numbers.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ModelType } from "../../src/checkpoint/index.js";
import { loadModel } from "../../src/engine/index.js";
import { F32_VS_REFERENCE_LOGPROB, flipMarginBound, SAME_FUNCTION_LOGPROB } from "./bounds.js";
import {
  batchVsSingle,
  prefixCacheVsCold,
  reuseAfterRelease,
  tokenizerMismatches,
  tokenVsEmbedding,
} from "./checks.js";
import {
  conformancePrompt,
  exactEngine,
  makeFixture,
  type PrecisionReport,
  precisionReports,
  type TinyFixture,
} from "./harness.js";

/** How far Q8_0 may drift from F32 on this architecture's tiny model (random body, trained head). */
export interface Q8Bounds {
  /** Max mean KL(F32 || Q8_0) in nats. */
  klMax: number;
  /** Min fraction of positions whose top token agrees. */
  top1Min: number;
}

// batch 32 splits the ~80-token prompt into several llama_decode calls
const BATCH = 32;

/**
 * Registers the conformance tests in the calling test file: of `arch`'s tiny model, or of the fixture
 * `makeFixtureOf` builds (a trained checkpoint such as rio-nano).
 */
export function conformanceSuite(
  arch: ModelType | string,
  q8: Q8Bounds,
  makeFixtureOf: () => TinyFixture = () => makeFixture(arch as ModelType, ["f32", "q8_0", "q4_0"]),
): void {
  let fixture: TinyFixture;
  let reports: PrecisionReport[];
  before(async () => {
    fixture = makeFixtureOf();
    reports = await precisionReports(fixture, BATCH);
  });
  after(() => fixture?.cleanup());

  const report = (precision: string) => {
    const found = reports.find((r) => r.precision === precision);
    assert.ok(found, `no ${precision} report`);
    return found;
  };

  test(`${arch}: engine F32 matches the float64 reference over >= 64 positions`, () => {
    const r = report("f32_vs_reference");
    assert.ok(r.positions >= 64, `only ${r.positions} positions`);
    assert.ok(
      r.max_abs_logprob_diff <= F32_VS_REFERENCE_LOGPROB,
      `max |Δ log p| = ${r.max_abs_logprob_diff}`,
    );
    assert.ok(
      r.top1_flip_margin <= flipMarginBound(F32_VS_REFERENCE_LOGPROB),
      `top-1 flip of ${r.top1_flip_margin}`,
    );
  });

  test(`${arch}: Q8_0 stays close to F32`, () => {
    const r = report("q8_0_vs_f32");
    assert.ok(r.kl_mean <= q8.klMax, `mean KL = ${r.kl_mean}`);
    assert.ok(r.top1_agreement >= q8.top1Min, `top-1 agreement = ${r.top1_agreement}`);
  });

  test(`${arch}: Q4_0 is reported and degrades more than Q8_0`, () => {
    assert.ok(report("q4_0_vs_f32").kl_mean > report("q8_0_vs_f32").kl_mean);
  });

  // Exact equalities: feeding a token's embedding row runs the same ops on the same values as feeding
  // its id (get_rows copies the row), and a released slot reruns the same micro-batch shapes as a fresh
  // context; ggml's CPU kernels are deterministic for a given shape, so any difference is a bug.
  test(`${arch}: token ids = embedding rows; a batch = its sequences alone; a released slot starts clean`, async () => {
    const model = loadModel(fixture.gguf.f32 as string);
    const engine = exactEngine(model, 4, BATCH);
    try {
      const prompt = conformancePrompt(model, fixture.chat);
      assert.equal(await tokenVsEmbedding(model, engine, prompt), 0);
      const batch = await batchVsSingle(model, engine, prompt);
      assert.ok(
        batch.max_abs_logprob_diff <= SAME_FUNCTION_LOGPROB,
        `batch vs single max |Δ log p| = ${batch.max_abs_logprob_diff}`,
      );
      assert.ok(
        batch.top1_flip_margin <= flipMarginBound(SAME_FUNCTION_LOGPROB),
        `top-1 flip of ${batch.top1_flip_margin}`,
      );
      for (const fault of ["swap-sequences", "swap-one-decode"] as const) {
        const broken = await batchVsSingle(model, engine, prompt, fault);
        assert.ok(
          broken.max_abs_logprob_diff > SAME_FUNCTION_LOGPROB,
          `${fault} passed the batch bound: ${broken.max_abs_logprob_diff}`,
        );
      }
      assert.equal(await reuseAfterRelease(model, engine, BATCH, prompt), 0);
      assert.deepEqual(tokenizerMismatches(model), []);
    } finally {
      engine.close();
      model.free();
    }
  });

  // Q8_0 is what Rio serves by default: a batch there must also be its sequences alone. The argument is
  // SAME_FUNCTION_LOGPROB's: activations are quantised per row the same way whatever else is in the
  // micro-batch, so the two evaluations differ only in the order kernels sum in. This failed by tens of
  // nats on the hybrids under llama.cpp's AMX buffer type (src/llama/extra-buffers.ts).
  test(`${arch}: Q8_0: a batch = its sequences alone`, async () => {
    const model = loadModel(fixture.gguf.q8_0 as string);
    const engine = exactEngine(model, 4, BATCH);
    try {
      const batch = await batchVsSingle(model, engine, conformancePrompt(model, fixture.chat));
      assert.ok(
        batch.max_abs_logprob_diff <= SAME_FUNCTION_LOGPROB,
        `Q8_0 batch vs single max |Δ log p| = ${batch.max_abs_logprob_diff}`,
      );
    } finally {
      engine.close();
      model.free();
    }
  });

  // Resuming from a cached prefix runs the same function on the same values, split into other micro-batches
  // (the prefix in earlier ones), so it agrees with a cold prefill within the batch-vs-single bound.
  test(`${arch}: a prompt resumed from the prefix cache = the prompt prefilled cold`, async () => {
    const model = loadModel(fixture.gguf.f32 as string);
    try {
      const prompt = conformancePrompt(model, fixture.chat);
      const r = await prefixCacheVsCold(model, prompt, BATCH);
      const [first, extension, partial] = r.requests;
      assert.equal(first.reused, 0);
      assert.equal(extension.reused, prompt.length + 5, "the extension resumes from the whole first request");
      assert.equal(partial.reused, BATCH + BATCH / 2 - 3, "the third prompt resumes at the checkpoint");
      assert.ok(r.max_abs_logprob_diff <= SAME_FUNCTION_LOGPROB, `max |Δ log p| = ${r.max_abs_logprob_diff}`);
      assert.ok(
        r.top1_flip_margin <= flipMarginBound(SAME_FUNCTION_LOGPROB),
        `top-1 flip of ${r.top1_flip_margin}`,
      );
    } finally {
      model.free();
    }
  });
}
