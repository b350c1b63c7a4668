/** A tiny qwen3 checkpoint loaded through the whole stack (make-tiny -> GGUF cache -> llama.cpp), for engine-level tests. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { makeTinyModel, type Quant } from "../../src/checkpoint/index.js";
import { loadModel, type RioModel } from "../../src/engine/index.js";

/** Loads a fresh tiny model (its own temp folder and GGUF cache); call dispose() when done. */
export function tinyModel(seed = 3, quant: Quant = "q8_0"): { model: RioModel; dispose(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-engine-test-"));
  const dir = path.join(root, "hf");
  makeTinyModel({ arch: "qwen3", out: dir, seed });
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  const model = loadModel(dir, { quant });
  return {
    model,
    dispose() {
      model.free();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
