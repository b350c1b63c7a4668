/**
 * @module Bare-engine yardsticks for the serving benchmark: what the engine alone does, with no HTTP, no
 * sampling and no scheduling decisions. Bare steps of short sequences give what batching can gain; a replay
 * of a load's own requests gives what a server could do with that load, since it also pays the two costs
 * short steps leave out: prompts have to be prefilled, and a decode step slows as its sequences grow
 * (attention reads every cached position).
 */
import type { Engine, Sequence } from "../src/engine/index.js";

/**
 * Bare engine steps of single tokens, one sequence and n sequences at once, each sequence holding `depth`
 * tokens first: n * t(1) / t(n) is what batching alone gains on this machine, and n / t(n) the tokens/s of
 * n sequences that only decode, at that depth.
 */
export async function batchCeiling(
  engine: Engine,
  n: number,
  depth: number,
): Promise<{ gain: number; tokensPerSecond: number }> {
  const sequences = Array.from({ length: n }, () => engine.openSequence());
  try {
    for (const seq of sequences) await engine.step([{ seq, tokens: fillerTokens(depth) }]);
    const stepMs = async (batch: number) => {
      const run = () => engine.step(sequences.slice(0, batch).map((seq) => ({ seq, tokens: [100] })));
      for (let i = 0; i < 5; i++) await run();
      const start = performance.now();
      for (let i = 0; i < 30; i++) await run();
      return (performance.now() - start) / 30;
    };
    const one = await stepMs(1);
    const all = await stepMs(n);
    return { gain: (n * one) / all, tokensPerSecond: (n * 1000) / all };
  } finally {
    for (const seq of sequences) engine.release(seq);
  }
}

/** One request's work, from its usage. */
export interface RequestWork {
  promptTokens: number;
  /** Generated tokens: the first comes from the prompt's step, each other from a one-token step. */
  tokens: number;
}

/** A request being replayed in one of the clients' slots. */
interface Running {
  seq: Sequence;
  work: RequestWork;
  generated: number;
}

/**
 * Replays `work` with `concurrency` slots that take requests in order as they free up, as the clients did,
 * each step prefilling the prompts of requests just taken and decoding one token of every other running one
 * (continuous batching at its best). Token ids are fillers: a step's cost does not depend on them. Returns
 * generated tokens per second.
 * @example
 * const tokensPerSecond = await replayLoad(engine, [{ promptTokens: 20, tokens: 64 }], 1);
 */
export async function replayLoad(engine: Engine, work: RequestWork[], concurrency: number): Promise<number> {
  const queue = work.filter((w) => w.tokens > 0);
  const running: Running[] = [];
  let next = 0;
  let generated = 0;
  const started = performance.now();
  while (next < queue.length || running.length > 0) {
    const fresh = new Set<Running>();
    while (running.length < concurrency && next < queue.length) {
      const request: Running = { seq: engine.openSequence(), work: queue[next++], generated: 0 };
      running.push(request);
      fresh.add(request);
    }
    await engine.step(
      running.map((r) => ({
        seq: r.seq,
        tokens: fresh.has(r) ? fillerTokens(r.work.promptTokens) : [100],
      })),
    );
    for (const r of running) r.generated++;
    generated += running.length;
    for (const done of running.filter((r) => r.generated === r.work.tokens)) {
      engine.release(done.seq);
      running.splice(running.indexOf(done), 1);
    }
  }
  return (generated * 1000) / (performance.now() - started);
}

/** `n` ordinary token ids. */
function fillerTokens(n: number): number[] {
  return Array.from({ length: Math.max(1, n) }, (_, i) => 1 + (i % 1000));
}
