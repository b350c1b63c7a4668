/**
 * @module The conformance harness shared by every architecture: a tiny checkpoint from make-tiny with a
 * trained LM head, its float64 reference, and the engine on GGUF conversions of it. Used by the CI test
 * and by `npm run conformance`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { convertToGguf, type ModelType, openCheckpoint, type Quant } from "../../src/checkpoint/index.js";
import { makeTrainedTinyModel } from "../../src/cli/trained-tiny.js";
import { createEngine, type Engine, loadModel, type RioModel } from "../../src/engine/index.js";
import { openReference } from "../../src/reference/index.js";
import type { ChatMessage } from "../../src/tokenizer/index.js";
import { CONFORMANCE_CHAT, TRAINING_CHATS } from "./corpus.js";
import { type Agreement, compareLogits } from "./metrics.js";

/** One architecture's model converted to the precisions under test. */
export interface TinyFixture {
  arch: ModelType;
  /** A name for reports: the architecture, or the shipped model's name. */
  name: string;
  dir: string;
  gguf: Partial<Record<Quant, string>>;
  /** The conversation every check renders as its main prompt (text the model was trained on). */
  chat: ChatMessage[];
  cleanup(): void;
}

/** Converts the Hugging Face folder `dir` to each of `quants` under `root`. */
function convertAll(dir: string, root: string, name: string, quants: Quant[]): TinyFixture["gguf"] {
  const gguf: TinyFixture["gguf"] = {};
  for (const quant of quants) {
    gguf[quant] = path.join(root, `${name}-${quant}.gguf`);
    convertToGguf(dir, gguf[quant] as string, { quant });
  }
  return gguf;
}

/**
 * Writes a tiny f32 checkpoint of `arch` with its LM head trained on TRAINING_CHATS (untied, so the
 * input embeddings stay as seeded) and converts it to each of `quants`.
 */
export function makeFixture(arch: ModelType, quants: Quant[], seed = 7): TinyFixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `rio-conf-${arch}-`));
  const dir = path.join(root, "hf");
  makeTrainedTinyModel({ arch, out: dir, seed, dtype: "f32" }, (tokenizer) =>
    TRAINING_CHATS.map((chat) => tokenizer.encodeChat(chat)),
  );
  const gguf = convertAll(dir, root, arch, quants);
  return {
    arch,
    name: arch,
    dir,
    gguf,
    chat: [...CONFORMANCE_CHAT],
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * A fixture of a trained checkpoint folder (e.g. rio-nano): its own conversions, and `chat` as the prompt,
 * so the positions under test are the model's trained text rather than near-ties.
 */
export function checkpointFixture(
  name: string,
  dir: string,
  chat: ChatMessage[],
  quants: Quant[],
): TinyFixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `rio-conf-${name}-`));
  const ckpt = openCheckpoint(dir);
  const arch = ckpt.config.model_type;
  ckpt.close();
  return {
    arch,
    name,
    dir,
    gguf: convertAll(dir, root, name, quants),
    chat,
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * An engine set up for exact comparison: F32 KV cache, no flash attention, and no prefix cache unless
 * asked (cached prefixes hold cells, so a fresh sequence's cells would lie elsewhere than in a fresh
 * context; the prefix cache's own check turns it on).
 */
export function exactEngine(model: RioModel, maxSequences = 1, batchSize = 512, prefixCache = false): Engine {
  return createEngine(model, {
    ctx: 1024,
    maxSequences,
    kvType: "f32",
    flashAttention: false,
    batchSize,
    prefixCache,
  });
}

/** Logits of every prompt position from the engine (prompt fed as tokens, in chunks of batchSize). */
export async function engineLogits(engine: Engine, tokens: number[]): Promise<Float32Array[]> {
  const seq = engine.openSequence();
  try {
    const [rows] = await engine.step([{ seq, tokens, logits: "all" }]);
    return rows.map((r) => r.slice());
  } finally {
    engine.release(seq);
  }
}

/** Reference logits of every prompt position, fed in one call. */
export function referenceLogits(dir: string, tokens: number[]): Float64Array[] {
  const ckpt = openCheckpoint(dir);
  try {
    const reference = openReference(ckpt);
    return reference.forward({ tokens }, reference.newCache()).logits;
  } finally {
    ckpt.close();
  }
}

/** Conformance of one precision of `fixture` against a baseline (the reference for f32, else engine f32). */
export interface PrecisionReport extends Agreement {
  /** The fixture's name. */
  arch: string;
  precision: string;
}

/** The prompt every check uses: the fixture's chat rendered with the checkpoint's template. */
export function conformancePrompt(model: RioModel, chat: ChatMessage[] = CONFORMANCE_CHAT): number[] {
  return model.tokenizer.encodeChat(chat, {
    addGenerationPrompt: chat[chat.length - 1]?.role !== "assistant",
  });
}

/** Runs reference-vs-engine at F32 and engine Q8_0/Q4_0 vs engine F32 on one fixture. */
export async function precisionReports(fixture: TinyFixture, batchSize = 512): Promise<PrecisionReport[]> {
  const reports: PrecisionReport[] = [];
  let f32Rows: Float32Array[] | undefined;
  for (const [quant, file] of Object.entries(fixture.gguf) as [Quant, string][]) {
    const model = loadModel(file);
    try {
      const engine = exactEngine(model, 1, batchSize);
      try {
        const tokens = conformancePrompt(model, fixture.chat);
        const rows = await engineLogits(engine, tokens);
        if (quant === "f32") {
          f32Rows = rows;
          reports.push({
            arch: fixture.name,
            precision: "f32_vs_reference",
            ...compareLogits(referenceLogits(fixture.dir, tokens), rows),
          });
        } else if (f32Rows) {
          reports.push({ arch: fixture.name, precision: `${quant}_vs_f32`, ...compareLogits(f32Rows, rows) });
        }
      } finally {
        engine.close();
      }
    } finally {
      model.free();
    }
  }
  return reports;
}
