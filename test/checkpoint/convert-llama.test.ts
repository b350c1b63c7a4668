// llama.cpp itself (through Rio's binding) accepts every converted quantisation: it loads the file,
// tokenises with the GGUF's own vocabulary, decodes, and feeding dequantiseRow() embedding rows gives
// exactly the logits of feeding the token ids (so Rio's dequantisers match ggml's get_rows).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  convertToGguf,
  dequantiseRow,
  makeTinyModel,
  type Quant,
  readGguf,
  readGgufTensor,
  type SupportedType,
} from "../../src/checkpoint/index.js";
import { loadLlama } from "../../src/llama/index.js";

const dir = mkdtempSync(join(tmpdir(), "rio-convert-llama-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("converted GGUFs in llama.cpp", () => {
  const tiny = join(dir, "tiny");
  makeTinyModel({ arch: "qwen3", out: tiny, seed: 5 });
  const llama = loadLlama({ gpu: "cpu" });

  for (const quant of ["f32", "f16", "bf16", "q8_0", "q4_0"] as Quant[]) {
    it(`${quant}: loads, tokenises, and decodes tokens and embedding rows alike`, async () => {
      const file = join(dir, `tiny-${quant}.gguf`);
      convertToGguf(tiny, file, { quant });
      const model = llama.loadModel(file);
      try {
        assert.equal(model.nVocab, 151936);
        const ids = model.tokenize("<|im_start|>user\nHello world<think>", {
          addSpecial: true,
          parseSpecial: true,
        });
        // no BOS is added; control and user-defined added tokens are matched whole
        assert.deepEqual(ids, [151644, 872, 198, 9707, 1879, 151667]);
        const ctx = model.createContext({ nCtx: 32, threads: 1, kvType: "f32", flashAttention: false });
        const n = ids.length;
        const batch = {
          pos: Int32Array.from(ids, (_, i) => i),
          seq: new Int32Array(n),
          logits: new Uint8Array(n).fill(1, n - 1),
        };
        await ctx.decodeTokens({ tokens: Int32Array.from(ids), ...batch });
        const fromTokens = ctx.logits(n - 1).slice();
        assert.ok(fromTokens.every(Number.isFinite));

        const g = readGguf(file);
        const type = g.tensors.find((t) => t.name === "token_embd.weight")?.type as SupportedType;
        const table = readGgufTensor(g, "token_embd.weight");
        const embd = new Float32Array(n * model.nEmbd);
        for (const [i, id] of ids.entries())
          embd.set(dequantiseRow(type, table, id, model.nEmbd), i * model.nEmbd);
        ctx.seqRemove(0);
        await ctx.decodeEmbeddings({ embd, ...batch });
        assert.deepEqual(ctx.logits(n - 1).slice(), fromTokens);
        ctx.free();
      } finally {
        model.free();
      }
    });
  }
});
