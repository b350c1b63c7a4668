/**
 * @module reference/train-head
 * Trains the LM head of a (tiny, untied) checkpoint on token sequences, the rest of the model fixed: a
 * softmax regression from the reference's `final_norm` rows to the next token, full batch, AdamW.
 *
 * Why: a random-weight model's next-token distribution is nearly flat at the top (its best tokens are
 * near-ties), so any quantisation flips its argmax at a few percent of positions, unlike a trained
 * model's. Training the head alone is cheap on a CPU and gives the confident, text-shaped distributions
 * that quantisation checks need, on a real Qwen-family forward pass.
 *
 * Only tokens that occur as targets get a trained row; every other row is zero, so its logit is exactly
 * 0 and the full-vocabulary softmax is exact without touching those rows: Z = Σ_trained e^l + (V - K)·e^0.
 */
import type { DecoderReference } from "./decoder.js";

export interface TrainHeadOptions {
  /** Full-batch AdamW steps (default 300). */
  steps?: number;
  /** AdamW learning rate (default 0.05). */
  learningRate?: number;
  /**
   * Decoupled weight decay per step (AdamW, default 0.2): keeps the logits in the range of a real
   * model's (tens of nats) instead of growing towards one-hot on text it can fit.
   */
  weightDecay?: number;
  /**
   * Per sequence, the index of its first token to learn (default 0): the tokens before it are only read as
   * context, e.g. a chat prompt ahead of the answer a test model must give, which makes training far cheaper.
   */
  trainFrom?: readonly number[];
}

/** What training reached, for the caller to report. */
export interface TrainHeadResult {
  /** The new `lm_head.weight`, vocab_size x hidden_size, row-major. */
  weight: Float32Array;
  /** Mean cross-entropy over the training positions, in nats, before and after. */
  lossBefore: number;
  lossAfter: number;
  /** Fraction of training positions whose argmax is the next token. */
  accuracy: number;
}

/**
 * Fits `lm_head.weight` of the reference's checkpoint so each position of `sequences` predicts the
 * token after it.
 * @example
 * const { weight } = trainLmHead(openReference(openCheckpoint(dir)), [tokenizer.encode("Hello, world")]);
 */
export function trainLmHead(
  reference: DecoderReference,
  sequences: number[][],
  opts: TrainHeadOptions = {},
): TrainHeadResult {
  const { vocab_size: vocab, hidden_size: hidden, tie_word_embeddings } = reference.config;
  if (tie_word_embeddings)
    throw new Error(
      `${reference.ckpt.dir}/config.json: train the LM head of an untied model (tie_word_embeddings false)`,
    );
  const features: Float64Array[] = [];
  const targets: number[] = [];
  for (const [s, tokens] of sequences.entries()) {
    if (tokens.length < 2) continue;
    const { captured } = reference.forward({ tokens }, reference.newCache(), {
      capture: ["final_norm"],
      logits: false,
    });
    const rows = captured.get("final_norm") as Float64Array[];
    for (let t = Math.max(0, (opts.trainFrom?.[s] ?? 0) - 1); t + 1 < tokens.length; t++) {
      features.push(rows[t]);
      targets.push(tokens[t + 1]);
    }
  }
  if (features.length === 0) throw new Error("trainLmHead: no sequence has two or more tokens");

  // the trained rows: one per distinct target token
  const classes = [...new Set(targets)].sort((a, b) => a - b);
  const classOf = new Map(classes.map((id, k) => [id, k]));
  const labels = targets.map((id) => classOf.get(id) as number);
  const w = new Float64Array(classes.length * hidden);
  const untrained = vocab - classes.length;

  const lossAndGradient = (grad: Float64Array | undefined) => {
    grad?.fill(0);
    let loss = 0;
    let correct = 0;
    const logits = new Float64Array(classes.length);
    features.forEach((h, n) => {
      let max = 0; // the untrained rows' logit
      for (let k = 0; k < classes.length; k++) {
        let s = 0;
        for (let i = 0; i < hidden; i++) s += w[k * hidden + i] * h[i];
        logits[k] = s;
        if (s > max) max = s;
      }
      let z = untrained * Math.exp(-max);
      for (let k = 0; k < classes.length; k++) z += Math.exp(logits[k] - max);
      const label = labels[n];
      loss += Math.log(z) + max - logits[label];
      if (logits[label] === max) correct++;
      if (!grad) return;
      for (let k = 0; k < classes.length; k++) {
        const g = Math.exp(logits[k] - max) / z - (k === label ? 1 : 0);
        for (let i = 0; i < hidden; i++) grad[k * hidden + i] += g * h[i];
      }
    });
    return { loss: loss / features.length, accuracy: correct / features.length };
  };

  const lossBefore = lossAndGradient(undefined).loss;
  adamW(w, (grad) => lossAndGradient(grad), {
    steps: opts.steps ?? 300,
    learningRate: opts.learningRate ?? 0.05,
    weightDecay: opts.weightDecay ?? 0.2,
    count: features.length,
  });
  const after = lossAndGradient(undefined);

  const weight = new Float32Array(vocab * hidden);
  classes.forEach((id, k) => {
    weight.set(w.subarray(k * hidden, (k + 1) * hidden), id * hidden);
  });
  return { weight, lossBefore, lossAfter: after.loss, accuracy: after.accuracy };
}

/** Plain AdamW (β1 0.9, β2 0.999) on the mean gradient (`fill` sums over `count` positions). */
function adamW(
  w: Float64Array,
  fill: (grad: Float64Array) => unknown,
  opts: { steps: number; learningRate: number; weightDecay: number; count: number },
): void {
  const { steps, learningRate, weightDecay, count } = opts;
  const grad = new Float64Array(w.length);
  const m = new Float64Array(w.length);
  const v = new Float64Array(w.length);
  for (let step = 1; step <= steps; step++) {
    fill(grad);
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    for (let i = 0; i < w.length; i++) {
      const g = grad[i] / count;
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      w[i] -= learningRate * (m[i] / c1 / (Math.sqrt(v[i] / c2) + 1e-8) + weightDecay * w[i]);
    }
  }
}
