/**
 * @module A tiny checkpoint with a trained LM head (see reference/train-head.ts): make-tiny writes it
 * untied, the head is fitted to texts encoded with the checkpoint's own tokenizer, and the folder is
 * rewritten with that head. Shared by `rio make-tiny --train-head` and the conformance fixtures.
 */
import { type MakeTinyOptions, makeTinyModel, openCheckpoint } from "../checkpoint/index.js";
import {
  openReference,
  type TrainHeadOptions,
  type TrainHeadResult,
  trainLmHead,
} from "../reference/index.js";
import { RioTokenizer } from "../tokenizer/index.js";

/**
 * Writes the checkpoint of `options` (forced untied), trains its head on `encode(tokenizer)` and
 * rewrites it; returns what training reached.
 * @example
 * makeTrainedTinyModel({ arch: "qwen3", out: dir }, (tok) => [tok.encode("Hello, world.")]);
 */
export function makeTrainedTinyModel(
  options: MakeTinyOptions,
  encode: (tokenizer: RioTokenizer) => number[][],
  training: TrainHeadOptions = {},
): TrainHeadResult {
  const untied = { ...options, overrides: { ...options.overrides, tie_word_embeddings: false } };
  makeTinyModel(untied);
  const sequences = encode(RioTokenizer.fromDir(options.out));
  const ckpt = openCheckpoint(options.out);
  let result: TrainHeadResult;
  try {
    result = trainLmHead(openReference(ckpt), sequences, training);
  } finally {
    ckpt.close();
  }
  makeTinyModel({ ...untied, weights: { "lm_head.weight": result.weight } });
  return result;
}
