// One harness for every architecture: cache consistency, token vs embedding input, captures, registry.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  type Checkpoint,
  type ModelType,
  makeTinyModel,
  openCheckpoint,
} from "../../src/checkpoint/index.js";
import {
  type DecoderReference,
  type LinearAttentionState,
  openReference,
  type Qwen3MoeReference,
} from "../../src/reference/index.js";
import { maxDiff } from "./numeric.js";
import { tinyCheckpoint } from "./tiny-checkpoint.js";

const TOKENS = [5, 17, 3, 44, 0, 29, 11, 8, 17];
/** The captured rows of `name`, failing the test when absent. */
const rowsOf = (captured: Map<string, Float64Array[]>, name: string) =>
  captured.get(name) ?? assert.fail(`${name} not captured`);
const ARCHS: ModelType[] = ["qwen3", "qwen3_moe", "qwen3_5", "qwen3_5_moe"];

/** Logits of `tokens` fed in chunks of the given sizes through one cache. */
function chunked(ref: DecoderReference, tokens: number[], sizes: number[]): Float64Array[] {
  const cache = ref.newCache();
  const rows: Float64Array[] = [];
  let at = 0;
  for (const n of sizes) {
    rows.push(...ref.forward({ tokens: tokens.slice(at, at + n) }, cache).logits);
    at += n;
  }
  assert.equal(cache.position, tokens.length);
  return rows;
}

for (const arch of ARCHS) {
  describe(`${arch} reference`, () => {
    const ckpt: Checkpoint = tinyCheckpoint(arch);
    after(() => ckpt.close());
    const ref = openReference(ckpt);
    const whole = ref.forward({ tokens: TOKENS }, ref.newCache());

    it("returns one finite, position-dependent logits row per input position", () => {
      assert.equal(whole.logits.length, TOKENS.length);
      for (const row of whole.logits) {
        assert.equal(row.length, ckpt.config.vocab_size);
        assert.ok(row.every(Number.isFinite), "non-finite logit");
      }
      // token 17 appears at positions 1 and 8: different contexts must give different logits
      assert.ok(maxDiff([whole.logits[1]], [whole.logits[8]]) > 1e-3, "logits ignore the context");
    });

    it("gives the same logits for a prompt in one call, token by token, and in uneven chunks", () => {
      const tol = 1e-12;
      const single = chunked(
        ref,
        TOKENS,
        TOKENS.map(() => 1),
      );
      assert.ok(
        maxDiff(whole.logits, single) < tol,
        `token by token differs by ${maxDiff(whole.logits, single)}`,
      );
      const uneven = chunked(ref, TOKENS, [4, 1, 3, 1]);
      assert.ok(maxDiff(whole.logits, uneven) < tol, `chunks differ by ${maxDiff(whole.logits, uneven)}`);
    });

    it("gives identical logits for token ids and for their embedding rows", () => {
      const cache = ref.newCache();
      const head = ref.forward({ embeddings: TOKENS.slice(0, 5).map((id) => ref.embeddingRow(id)) }, cache);
      const tail = ref.forward({ tokens: TOKENS.slice(5) }, cache);
      assert.equal(maxDiff(whole.logits, [...head.logits, ...tail.logits]), 0);
    });

    it("captures named intermediates with one row per position", () => {
      const names = ["embd", "L0.attn_norm", "L1.ffn_inp", "L2.l_out", "final_norm"];
      const { captured, logits } = ref.forward({ tokens: TOKENS.slice(0, 3) }, ref.newCache(), {
        capture: names,
      });
      assert.deepEqual([...captured.keys()].sort(), [...names].sort());
      for (const rows of captured.values()) {
        assert.equal(rows.length, 3);
        assert.ok(
          rows.every((r) => r.length === ckpt.config.hidden_size),
          "row length is not hidden_size",
        );
      }
      assert.deepEqual(
        captured.get("embd"),
        TOKENS.slice(0, 3).map((id) => ref.embeddingRow(id)),
      );
      assert.equal(maxDiff(logits, whole.logits.slice(0, 3)), 0);
      assert.throws(
        () => ref.forward({ tokens: [1] }, ref.newCache(), { capture: ["L9.attn_norm"] }),
        /no intermediate named L9\.attn_norm; available: embd, L0\.attn_norm/,
      );
    });

    it("uses every tensor of the checkpoint", () => {
      const read = new Set<string>();
      const spy: Checkpoint = Object.create(ckpt, {
        readFloat32: {
          value: (name: string) => {
            read.add(name);
            return ckpt.readFloat32(name);
          },
        },
      });
      const spyRef = openReference(spy);
      spyRef.forward({ tokens: TOKENS }, spyRef.newCache()); // 9 positions x top-2 of 4 experts reach every expert here
      assert.deepEqual([...read].sort(), ckpt.tensorNames().sort());
    });

    it("rejects bad input with specific errors", () => {
      assert.throws(() => ref.embeddingRow(ckpt.config.vocab_size), /token id 48 outside \[0, 48\)/);
      assert.throws(
        () => ref.forward({ embeddings: [new Float64Array(3)] }, ref.newCache()),
        /embedding row 0 has 3 values, hidden_size is 32/,
      );
    });
  });
}

describe("architecture-specific properties", () => {
  it("qwen3 with tied embeddings: logits are final_norm . embedding row", () => {
    const ckpt = tinyCheckpoint("qwen3");
    const ref = openReference(ckpt);
    assert.equal(ckpt.config.tie_word_embeddings, true);
    const { logits, captured } = ref.forward({ tokens: [1, 2] }, ref.newCache(), { capture: ["final_norm"] });
    const h = rowsOf(captured, "final_norm")[1];
    for (const id of [0, 7, 47]) {
      const e = ref.embeddingRow(id);
      const expected = e.reduce((s, v, i) => s + v * h[i], 0);
      assert.ok(Math.abs(logits[1][id] - expected) < 1e-12, `logit ${id}: ${logits[1][id]} != ${expected}`);
    }
    ckpt.close();
  });

  for (const arch of ["qwen3_moe", "qwen3_5_moe"] as const) {
    it(`${arch} routes each position to the top-k experts with renormalised weights`, () => {
      const ckpt = tinyCheckpoint(arch);
      const ref = openReference(ckpt);
      const names = ["L0.router_probs", "L0.expert_ids", "L0.expert_weights"];
      const { captured } = ref.forward({ tokens: TOKENS }, ref.newCache(), { capture: names });
      const [probs, ids, weights] = names.map((n) => rowsOf(captured, n));
      TOKENS.forEach((_, t) => {
        const chosen = [...ids[t]];
        assert.equal(new Set(chosen).size, 2);
        const threshold = Math.min(...chosen.map((e) => probs[t][e]));
        assert.ok(
          probs[t].every((p, e) => chosen.includes(e) || p <= threshold),
          `position ${t}: not the top-k`,
        );
        assert.ok(
          Math.abs(weights[t][0] + weights[t][1] - 1) < 1e-15,
          `position ${t}: weights do not sum to 1`,
        );
        const ratio = probs[t][chosen[0]] / probs[t][chosen[1]];
        assert.ok(
          Math.abs(weights[t][0] / weights[t][1] - ratio) < 1e-12,
          `position ${t}: weights not proportional`,
        );
      });
      assert.throws(
        () =>
          ref.forward({ tokens: [1] }, ref.newCache(), {
            capture: arch === "qwen3_moe" ? ["L1.router_probs"] : ["L9.x"],
          }),
        /no intermediate named/,
      );
      ckpt.close();
    });
  }

  it("qwen3_moe puts experts on layers (il + 1) % decoder_sparse_step == 0 outside mlp_only_layers", () => {
    for (const [overrides, sparse] of [
      [{ decoder_sparse_step: 2, mlp_only_layers: [] }, [false, true, false]],
      [{ decoder_sparse_step: 1, mlp_only_layers: [0, 2] }, [false, true, false]],
      [{ decoder_sparse_step: 1, mlp_only_layers: [1] }, [true, false, true]],
    ] as const) {
      const ckpt = tinyCheckpoint("qwen3_moe", overrides);
      const ref = openReference(ckpt) as Qwen3MoeReference;
      assert.deepEqual(
        [0, 1, 2].map((il) => ref.isSparse(il)),
        sparse,
      );
      const { captured } = ref.forward({ tokens: [1, 2] }, ref.newCache(), { capture: ["L1.ffn_out"] });
      assert.equal(rowsOf(captured, "L1.ffn_out").length, 2);
      ckpt.close();
    }
  });

  it("qwen3_5 linear attention: unit-norm keys, scaled queries, beta in (0, 1), negative log decay", () => {
    const ckpt = tinyCheckpoint("qwen3_5");
    const ref = openReference(ckpt);
    const cache = ref.newCache();
    assert.deepEqual(
      cache.layers.map((l) => l.kind),
      ["linear", "kv", "linear"],
    );
    const names = ["L2.q_l2", "L2.k_l2", "L2.beta", "L2.g", "L1.gate", "L1.q_rope"];
    const { captured } = ref.forward({ tokens: TOKENS }, cache, { capture: names });
    const norm = (r: Float64Array, from: number, n: number) => Math.hypot(...r.subarray(from, from + n));
    for (let t = 0; t < TOKENS.length; t++) {
      for (const h of [0, 1]) {
        // l2norm's eps (1e-6) keeps the norm a little below 1
        const [kn, qn] = [
          norm(rowsOf(captured, "L2.k_l2")[t], h * 8, 8),
          norm(rowsOf(captured, "L2.q_l2")[t], h * 8, 8),
        ];
        assert.ok(Math.abs(kn - 1) < 1e-4, `|k| = ${kn}`);
        assert.ok(Math.abs(qn * Math.sqrt(8) - 1) < 1e-4, `|q| sqrt(8) = ${qn * Math.sqrt(8)}`);
      }
      assert.ok(
        rowsOf(captured, "L2.beta")[t].every((b) => b > 0 && b < 1),
        "beta outside (0, 1)",
      );
      assert.ok(
        rowsOf(captured, "L2.g")[t].every((g) => g < 0),
        "g >= 0",
      );
      assert.equal(rowsOf(captured, "L1.gate")[t].length, 4 * 8);
    }
    // partial rotary (factor 0.5 of head_dim 8): dims 4..7 of every head pass through RoPE unchanged
    const { captured: c2 } = ref.forward({ tokens: [1] }, cache, { capture: ["L1.q_norm", "L1.q_rope"] });
    const [qn, qr] = [rowsOf(c2, "L1.q_norm")[0], rowsOf(c2, "L1.q_rope")[0]];
    for (let h = 0; h < 4; h++) {
      assert.deepEqual(qr.subarray(h * 8 + 4, h * 8 + 8), qn.subarray(h * 8 + 4, h * 8 + 8));
      assert.notDeepEqual(qr.subarray(h * 8, h * 8 + 4), qn.subarray(h * 8, h * 8 + 4));
    }
    const state = cache.layers[0] as LinearAttentionState;
    assert.equal(state.conv.length, 3);
    assert.equal(state.recurrent.length, 4);
    ckpt.close();
  });

  for (const arch of ARCHS) {
    it(`${arch}: runs on a makeTinyModel folder (BF16, HF layout)`, () => {
      const dir = mkdtempSync(join(tmpdir(), "rio-ref-tiny-"));
      try {
        makeTinyModel({ arch, out: dir, seed: 3, overrides: { vocab_size: 4096 } });
        const ckpt = openCheckpoint(dir);
        const ref = openReference(ckpt);
        const tokens = [4000, 872, 198, 2707];
        const whole = ref.forward({ tokens }, ref.newCache()).logits;
        assert.ok(
          whole.every((r) => r.length === 4096 && r.every(Number.isFinite)),
          "bad logits",
        );
        const cache = ref.newCache();
        const parts = [...ref.forward({ tokens: tokens.slice(0, 3) }, cache).logits];
        parts.push(...ref.forward({ embeddings: [ref.embeddingRow(tokens[3])] }, cache).logits);
        assert.ok(maxDiff(whole, parts) < 1e-12, `chunked differs by ${maxDiff(whole, parts)}`);
        ckpt.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("the registry refuses an unknown model_type, naming it", () => {
    const fake = { dir: "/models/x", config: { model_type: "llama" } } as unknown as Checkpoint;
    assert.throws(
      () => openReference(fake),
      /\/models\/x\/config\.json: model_type "llama" has no reference; known: qwen3, qwen3_moe, qwen3_5, qwen3_5_moe/,
    );
  });
});
