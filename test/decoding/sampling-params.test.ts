import assert from "node:assert/strict";
import { test } from "node:test";
import {
  SamplingParamsError,
  samplingDefaults,
  stopTokenIds,
  validateSamplingParams,
} from "../../src/decoding/index.js";

// Qwen3-0.6B's generation_config.json.
const QWEN3_GENERATION_CONFIG = {
  bos_token_id: 151643,
  do_sample: true,
  eos_token_id: [151645, 151643],
  pad_token_id: 151643,
  temperature: 0.6,
  top_k: 20,
  top_p: 0.95,
  transformers_version: "4.51.0",
};

test("samplingDefaults reads generation_config.json and fills Hugging Face defaults", () => {
  assert.deepEqual(samplingDefaults(QWEN3_GENERATION_CONFIG), {
    temperature: 0.6,
    top_k: 20,
    top_p: 0.95,
    min_p: 0,
    repetition_penalty: 1,
    presence_penalty: 0,
    frequency_penalty: 0,
    seed: 0,
  });
  assert.equal(samplingDefaults({}).top_k, 50);
  assert.equal(samplingDefaults({ do_sample: false, temperature: 0.7 }).temperature, 0);
  assert.deepEqual(stopTokenIds(QWEN3_GENERATION_CONFIG), [151645, 151643]);
  assert.deepEqual(stopTokenIds({ eos_token_id: 2 }), [2]);
});

test("bad values name the source, the field and the expectation", () => {
  assert.throws(
    () => samplingDefaults({ top_p: 0 }, "model/generation_config.json"),
    (e: unknown) =>
      e instanceof SamplingParamsError &&
      e.field === "top_p" &&
      /model\/generation_config.json: top_p must be in \(0, 1\]/.test(e.message),
  );
  assert.throws(() => samplingDefaults({ temperature: "hot" }), /temperature must be a number/);
  assert.throws(
    () => validateSamplingParams({ ...samplingDefaults(), top_k: 2.5 }, "request"),
    /request: top_k must be an integer/,
  );
  assert.throws(() => stopTokenIds({ eos_token_id: "x" }), /eos_token_id/);
});
