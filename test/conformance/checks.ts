/**
 * @module Engine self-consistency checks shared by all architectures (token vs embedding, batch vs
 * single, slot reuse after release, tokenizer).
 */
import { type Engine, type RioModel, Scheduler, type Sequence } from "../../src/engine/index.js";
import { engineLogits, exactEngine } from "./harness.js";
import { type Agreement, compareLogits } from "./metrics.js";

/** Text in many scripts, code and odd whitespace: Rio's tokenizer and llama.cpp's must agree on it. */
export const MULTILINGUAL_SAMPLE = [
  "Olá, você já visitou o Rio de Janeiro? A ação é rápida: coração, pão, maçã.",
  "我们今天学习机器学习。日本語のテキストも大丈夫ですか？한국어도 있어요.",
  "مرحبا بالعالم — العربية من اليمين إلى اليسار",
  "Emoji: 👩🏽‍💻🚀🇧🇷 and ZWJ 👨‍👩‍👧‍👦",
  "def f(x):\n\treturn {'a': x ** 2}  # comment\n\n\n    spaces   runs\r\n",
];
// Not in the sample: text spelling added tokens such as "<think>". llama.cpp always matches user-defined
// added tokens, even with parse_special off; Rio's plain-text encoding never does (user text must not
// inject <think>), so the two differ there by design (tested in test/tokenizer).

/**
 * Max |Δ logit| between feeding `steps` tokens by id and feeding their embedding rows, after the same
 * prompt. The two runs use the same cache cells one after the other, so any difference is the input path.
 */
export async function tokenVsEmbedding(
  model: RioModel,
  engine: Engine,
  prompt: number[],
  steps = 16,
): Promise<number> {
  const continuation = model.tokenizer
    .encode(" Primeiro somamos 17 e 25, o que dá 42. Depois escrevemos o código.")
    .slice(0, steps);
  const run = async (asRows: boolean) => {
    const seq = engine.openSequence();
    try {
      await engine.step([{ seq, tokens: prompt, logits: "none" }]);
      const rows: Float32Array[] = [];
      for (const token of continuation) {
        const [[logits]] = await engine.step([
          asRows ? { seq, embedding: model.embeddings.row(token) } : { seq, tokens: [token] },
        ]);
        rows.push(logits.slice());
      }
      return rows;
    } finally {
      engine.release(seq);
    }
  };
  return compareLogits(await run(false), await run(true)).max_abs_logit_diff;
}

/**
 * A deliberate scheduling bug, injected to show that the batch check catches what it exists for:
 * "swap-sequences" prefills two prompts into each other's sequence (each then decodes its continuation
 * on the other's history); "swap-one-decode" feeds two sequences each other's token at one decoding step.
 */
export const BATCH_FAULTS = ["none", "swap-sequences", "swap-one-decode"] as const;
export type BatchFault = (typeof BATCH_FAULTS)[number];

/** Swaps the sequences of the first two inputs. */
const swapFirstTwo = <T extends { seq: Sequence }>(inputs: T[]): T[] => [
  { ...inputs[0], seq: inputs[1].seq },
  { ...inputs[1], seq: inputs[0].seq },
  ...inputs.slice(2),
];

/**
 * Sequences run alone against the same sequences prefilled and decoded in shared steps (decoding inputs
 * as embedding rows, all sequences in one llama_decode): the agreement over every prompt and decoding
 * position, with `fault` injected into the shared run.
 */
export async function batchVsSingle(
  model: RioModel,
  engine: Engine,
  prompt: number[],
  fault: BatchFault = "none",
  decodeSteps = 8,
): Promise<Agreement> {
  const chat = (content: string, enableThinking?: boolean) =>
    model.tokenizer.encodeChat([{ role: "user", content }], { addGenerationPrompt: true, enableThinking });
  const prompts = [
    prompt,
    chat("Conte até dez em português."),
    chat("把这句话翻译成英文：今天天气很好。", false),
  ];
  // a different continuation per sequence, so a token fed to the wrong sequence changes its history
  const continuations = [
    " um dois três quatro cinco seis sete oito",
    " Primeiro somamos 17 e 25, o que dá 42.",
    " The weather is very nice today, truly.",
  ].map((text) => model.tokenizer.encode(text).slice(0, decodeSteps));
  if (continuations.some((c) => c.length < decodeSteps))
    throw new Error(`batchVsSingle: a continuation has fewer than ${decodeSteps} tokens`);
  const alone: Float32Array[][] = [];
  for (const [i, tokens] of prompts.entries())
    alone.push(await engineLogits(engine, [...tokens, ...continuations[i]]));
  const expected: Float32Array[] = [];
  const shared: Float32Array[] = [];
  const seqs = prompts.map(() => engine.openSequence());
  try {
    const prefillInputs = prompts.map((tokens, i) => ({ seq: seqs[i], tokens, logits: "all" as const }));
    const prefill = await engine.step(
      fault === "swap-sequences" ? swapFirstTwo(prefillInputs) : prefillInputs,
    );
    prefill.forEach((rows, i) => {
      expected.push(...alone[i].slice(0, prompts[i].length));
      shared.push(...rows.map((row) => row.slice())); // views of llama.cpp's buffer until the next decode
    });
    for (let k = 0; k < decodeSteps; k++) {
      const inputs = seqs.map((seq, i) => ({ seq, embedding: model.embeddings.row(continuations[i][k]) }));
      const rows = await engine.step(fault === "swap-one-decode" && k === 2 ? swapFirstTwo(inputs) : inputs);
      rows.forEach(([row], i) => {
        expected.push(alone[i][prompts[i].length + k]);
        shared.push(row.slice());
      });
    }
  } finally {
    for (const seq of seqs) engine.release(seq);
  }
  return compareLogits(expected, shared);
}

/**
 * Max |Δ logit| between a prompt run in a fresh context and the same prompt run in a slot of `engine`
 * that was used and released: once after a whole prompt plus decoding steps, once after only the first
 * half of a prompt (released mid-prefill). Hybrid models keep per-sequence convolution and recurrent
 * state besides the KV cache, so a released slot must start from zero state, not from where it stopped.
 */
export async function reuseAfterRelease(
  model: RioModel,
  engine: Engine,
  batchSize: number,
  prompt: number[],
): Promise<number> {
  const other = model.tokenizer.encodeChat([{ role: "user", content: "Conte até dez em português." }], {
    addGenerationPrompt: true,
  });
  const fresh = exactEngine(model, 1, batchSize);
  let expected: Float32Array[];
  try {
    expected = await engineLogits(fresh, other);
  } finally {
    fresh.close();
  }
  const afterUse = async (use: (seq: Sequence) => Promise<unknown>) => {
    const seq = engine.openSequence();
    await use(seq);
    engine.release(seq);
    const reused = engine.openSequence();
    try {
      if (reused.id !== seq.id) throw new Error(`released slot ${seq.id} but reopened slot ${reused.id}`);
      const [rows] = await engine.step([{ seq: reused, tokens: other, logits: "all" }]);
      return compareLogits(expected, rows).max_abs_logit_diff;
    } finally {
      engine.release(reused);
    }
  };
  const afterDecoding = await afterUse(async (seq) => {
    await engine.step([{ seq, tokens: prompt, logits: "none" }]);
    for (const token of prompt.slice(0, 4)) {
      await engine.step([{ seq, embedding: model.embeddings.row(token) }]);
    }
  });
  const half = prompt.slice(0, prompt.length >> 1);
  const midPrompt = await afterUse((seq) => engine.step([{ seq, tokens: half, logits: "none" }]));
  return Math.max(afterDecoding, midPrompt);
}

/** Texts where Rio's tokenizer and llama.cpp's disagree (empty when they agree everywhere). */
export function tokenizerMismatches(model: RioModel): string[] {
  return MULTILINGUAL_SAMPLE.filter((text) => {
    const rio = model.tokenizer.encode(text);
    const llama = model.llama.tokenize(text, { addSpecial: false, parseSpecial: false });
    return rio.length !== llama.length || rio.some((id, i) => id !== llama[i]);
  });
}

/** Logits of a prompt's last position and of `continuation` fed after it (as embedding rows with ids). */
async function promptAndContinuation(
  model: RioModel,
  scheduler: Scheduler,
  prompt: number[],
  continuation: number[],
  checkpoint?: number,
): Promise<Float32Array[]> {
  const lease = await scheduler.acquire();
  try {
    const rows = [(await lease.prefill(prompt, { checkpoint })).slice()];
    for (const token of continuation)
      rows.push((await lease.decode(model.embeddings.row(token), token)).slice());
    return rows;
  } finally {
    lease.release();
  }
}

/** What prefixCacheVsCold measured: the agreement, and the tokens each request took from the cache. */
export interface PrefixCacheReport extends Agreement {
  /** Per request: prompt length and tokens reused. */
  requests: { prompt: number; reused: number }[];
}

/**
 * Three requests run cold (cache off) and then one after another on an engine with the prefix cache, all
 * through the scheduler fed in chunks of `batchSize`: (1) `prompt` with a checkpoint at `cut` and a
 * continuation; (2) a multi-turn extension, prompt 1 + its continuation + new tokens, which resumes from the
 * whole first request; (3) prompt[0, cut) + other tokens, which resumes at the checkpoint (any model) or at
 * the common prefix (attention models). `cut` and request 1's length are chosen off the chunk grid, so the
 * hits end mid-chunk. Every last-prompt and continuation logits row is compared with the cold run.
 */
export async function prefixCacheVsCold(
  model: RioModel,
  prompt: number[],
  batchSize: number,
): Promise<PrefixCacheReport> {
  const encode = (text: string, n: number) => model.tokenizer.encode(text).slice(0, n);
  const cut = batchSize + Math.floor(batchSize / 2) - 3;
  const continuation = encode(" Primeiro somamos 17 e 25, o que dá 42.", 5);
  const first = [...prompt, ...continuation];
  const requests: [number[], number[], number | undefined][] = [
    [prompt, continuation, cut],
    [
      [...first, ...encode(" Depois escrevemos o código em Python.", 7)],
      encode(" um dois três quatro", 4),
      undefined,
    ],
    [
      [...prompt.slice(0, cut), ...encode(" The weather is very nice today.", 6)],
      encode(" truly nice", 3),
      undefined,
    ],
  ];
  if (first.length % batchSize === 0 || cut % batchSize === 0 || cut >= prompt.length)
    throw new Error(`prefixCacheVsCold: pick another prompt (length ${prompt.length}, batch ${batchSize})`);
  const run = async (prefixCache: boolean) => {
    const engine = exactEngine(model, 2, batchSize, prefixCache);
    try {
      const scheduler = new Scheduler(engine, { prefillTokensPerStep: batchSize });
      const rows: Float32Array[] = [];
      const reused: number[] = [];
      for (const [tokens, next, checkpoint] of requests) {
        const before = engine.prefixCacheStats?.tokensReused ?? 0;
        rows.push(...(await promptAndContinuation(model, scheduler, tokens, next, checkpoint)));
        reused.push((engine.prefixCacheStats?.tokensReused ?? 0) - before);
      }
      return { rows, reused };
    } finally {
      engine.close();
    }
  };
  const cold = await run(false);
  const warm = await run(true);
  return {
    ...compareLogits(cold.rows, warm.rows),
    requests: requests.map(([tokens], i) => ({ prompt: tokens.length, reused: warm.reused[i] })),
  };
}
