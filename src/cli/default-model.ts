/**
 * @module The embedded default model: rio-nano, a small Qwen3 reasoning model that Rio trains
 * (train/train_nano.py on the problem families of src/tasks), shipped in the package's models/rio-nano
 * folder and converted once into the cache like any Hugging Face folder.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** Said wherever the default model is used, so nobody mistakes it for a general assistant. */
export const DEFAULT_MODEL_NOTICE =
  "note: no --model given, using rio-nano (a 2.1M-parameter Qwen3 that Rio trained on arithmetic, clock " +
  "durations, ordering, short word problems and Countdown; it gets about 6% of unseen problems right, " +
  "see models/rio-nano/README.md, and knows nothing else)";

/** The shipped rio-nano folder (models/rio-nano at the package root). */
export function defaultModelDir(): string {
  const dir = fileURLToPath(new URL("../../../models/rio-nano", import.meta.url));
  if (!fs.existsSync(path.join(dir, "config.json")))
    throw new Error(
      `the embedded model is missing: ${dir} has no config.json (reinstall the package, or pass --model)`,
    );
  return dir;
}
