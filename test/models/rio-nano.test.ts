/**
 * rio-nano, the shipped default model: Rio's float64 reference agrees with the PyTorch model it was trained
 * as (logits stored beside the checkpoint by train/dump_logits.py), Rio's tokenizer and llama.cpp's agree
 * on it, SwiReasoning's vocabulary resolves on it, and greedy cot through the engine at the default
 * quantisation answers a fixed sample of the held-out test split, as it does in F32.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { openCheckpoint } from "../../src/checkpoint/index.js";
import { logitPromptChats } from "../../src/cli/nano-data.js";
import { swirVocab } from "../../src/decoding/index.js";
import { createEngine, loadModel, type RioModel, Scheduler } from "../../src/engine/index.js";
import { runEval, suiteItems } from "../../src/eval/index.js";
import { openReference } from "../../src/reference/index.js";
import { problems } from "../../src/tasks/index.js";
import { MULTILINGUAL_SAMPLE } from "../conformance/checks.js";

const DIR = "models/rio-nano";
/** Test-split problems checked in CI: 8 per family. */
const SAMPLE = 48;
/** Questions of the sample the model must answer (see the test for why so few). */
const ACCURACY_FLOOR_COUNT = 1;
let model: RioModel;
before(() => {
  model = loadModel(DIR, { quant: "q8_0" }); // the default quantisation of rio run / serve
});
after(() => model?.free());

interface TorchRow {
  ids: number[];
  positions: number[];
  vocab: number;
  logits: string;
}

test("Rio's float64 reference matches PyTorch's logits of the training model within 1e-4", () => {
  const stored = JSON.parse(fs.readFileSync(path.join(DIR, "torch-logits.json"), "utf8")) as {
    rows: TorchRow[];
  };
  // the stored inputs are today's renderings of the logit-prompt chats, so both sides see the same ids
  const chats = logitPromptChats();
  assert.deepEqual(
    stored.rows.map((r) => r.ids),
    chats.map((c) => model.tokenizer.encodeChat(c.messages, { tools: c.tools, addGenerationPrompt: false })),
  );
  const ckpt = openCheckpoint(DIR);
  let worst = 0;
  let positions = 0;
  try {
    const reference = openReference(ckpt);
    for (const row of stored.rows) {
      const torch = new Float32Array(new Uint8Array(Buffer.from(row.logits, "base64")).buffer);
      const logits = reference.forward({ tokens: row.ids }, reference.newCache()).logits;
      row.positions.forEach((p, k) => {
        for (let v = 0; v < row.vocab; v++)
          worst = Math.max(worst, Math.abs(logits[p][v] - torch[k * row.vocab + v]));
        positions++;
      });
    }
  } finally {
    ckpt.close();
  }
  // PyTorch computes in float32: a 256-wide, 4-layer model's logits carry ~1e-6 of float32 rounding
  assert.ok(positions >= 40, `${positions} positions`);
  assert.ok(worst <= 1e-4, `max |Δ logit| = ${worst}`);
});

test("Rio's tokenizer and llama.cpp's tokenise rio-nano's texts identically; SwiReasoning's ids resolve", () => {
  const texts = [
    ...MULTILINGUAL_SAMPLE,
    ...problems("test", 120).flatMap((p) => [p.question, p.reasoning, p.answer]),
    "a \\n b",
  ];
  const differ = texts.filter((text) => {
    const rio = model.tokenizer.encode(text);
    const llama = model.llama.tokenize(text, { addSpecial: false, parseSpecial: false });
    return rio.length !== llama.length || rio.some((id, i) => id !== llama[i]);
  });
  assert.deepEqual(differ, []);
  const vocab = swirVocab(model.tokenizer);
  assert.equal(model.tokenizer.decode([vocab.lineBreak]), "\\n");
  assert.ok(["7", "+", "=", "(", "x"].every((s) => vocab.mathIds.has(model.tokenizer.encode(s)[0])));
  assert.equal(model.tokenizer.decode([...vocab.terminationIds]), "</think>\n\nThe final answer is");
});

/** Greedy cot on the sample through the engine at `quant`: which questions it answers correctly. */
async function correctIds(m: RioModel): Promise<Set<string>> {
  const engine = createEngine(m, { ctx: 8 * 512, maxSequences: 8 });
  try {
    const { records } = await runEval(m, new Scheduler(engine), suiteItems("test", SAMPLE), {
      methods: [{ label: "cot", reasoning: { method: "cot" } }],
      budgets: [400],
      temperature: 0,
      samples: 1,
      concurrency: 8,
    });
    assert.equal(records.length, SAMPLE);
    return new Set(records.filter((r) => r.correct).map((r) => r.id));
  } finally {
    engine.close();
  }
}

test("greedy cot at Q8_0 answers a fixed sample of the held-out test split as F32 does", async () => {
  const q8 = await correctIds(model);
  const f32Model = loadModel(DIR, { quant: "f32" });
  let f32: Set<string>;
  try {
    f32 = await correctIds(f32Model);
  } finally {
    f32Model.free();
  }
  // rio-nano as trained on 2 CPU cores answers about 4% of the test split (its model card), far below the
  // issue's 90%; this floor catches an engine, conversion or tokenizer change that breaks the model (which
  // then answers none), not the model's quality
  assert.ok(q8.size >= ACCURACY_FLOOR_COUNT, `Q8_0 answers ${q8.size} of ${SAMPLE}`);
  // Q8_0's rounding may flip a greedy choice on a near-tie, rarely the verdict: at most 2 questions differ
  const differ = [...q8].filter((id) => !f32.has(id)).concat([...f32].filter((id) => !q8.has(id)));
  assert.ok(differ.length <= 2, `Q8_0 and F32 differ on ${differ.join(", ")}`);
});
