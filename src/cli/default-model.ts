/**
 * @module The embedded default model: a tiny qwen3 checkpoint made once by make-tiny into the user's cache
 * folder, with its LM head trained on a dozen chats (demo-corpus.ts), so `rio run` and `rio serve` work on
 * a fresh machine with no download and show a reasoning model's output shape.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEMO_CHATS } from "./demo-corpus.js";
import { makeTrainedTinyModel } from "./trained-tiny.js";

/** Said wherever the default model is used: its output is noise, not answers. */
export const DEMO_NOTICE =
  "note: no --model given, using Rio's embedded demo model (tiny, random weights, only its output layer " +
  "trained on a dozen short chats): it runs the whole engine, but it only recalls those chats, as best it can";

/** Rio's cache folder: $RIO_CACHE_DIR, else ~/.cache/rio. */
export function cacheRoot(): string {
  return process.env.RIO_CACHE_DIR || path.join(os.homedir(), ".cache", "rio");
}

/** The default model's folder, created on first use (written to a temporary folder, then renamed into place). */
export function ensureDefaultModel(): string {
  const dir = path.join(cacheRoot(), "models", "rio-demo-qwen3-tiny-v2");
  if (fs.existsSync(path.join(dir, "config.json"))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  // no weight decay: the demo should recall its chats word for word, not keep a real model's logit range
  makeTrainedTinyModel(
    { arch: "qwen3", out: tmp, seed: 0 },
    (tokenizer) => DEMO_CHATS.map((chat) => tokenizer.encodeChat(chat)),
    { learningRate: 0.1, weightDecay: 0 },
  );
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.renameSync(tmp, dir);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, "config.json"))) throw error; // else another process made it first
  }
  return dir;
}
