/**
 * @module Placement options of loadModel and the CLI: llama.cpp's model placement plus the
 * `--cpu-moe` / `--n-cpu-moe N` shorthands of its common arguments, expanded to tensor overrides and
 * checked against the GGUF's tensor names before anything loads, so a pattern that places nothing is an
 * error naming the tensors it missed instead of a silent no-op.
 */
import type { GgufFile } from "../checkpoint/index.js";
import type { ModelPlacement, TensorOverride } from "../llama/index.js";
import { EngineError } from "./errors.js";

/** Expert tensors of a MoE layer (llama.cpp common.h LLM_FFN_EXPS_REGEX). */
export const EXPERT_TENSORS = "\\.ffn_(up|down|gate|gate_up)_(ch|)exps";

/** Where a model's weights go: llama.cpp's placement plus shorthands for the expert tensors. */
export interface PlacementOptions extends ModelPlacement {
  /** Keep every MoE expert tensor in CPU memory (llama.cpp `--cpu-moe`). */
  cpuMoe?: boolean;
  /** Keep the expert tensors of the first N layers in CPU memory (llama.cpp `--n-cpu-moe N`). */
  nCpuMoe?: number;
}

/** The overrides `opts` asks for, shorthands first (as llama.cpp adds them), each checked against `gguf`. */
export function tensorOverrides(opts: PlacementOptions, gguf: GgufFile): TensorOverride[] {
  const overrides: TensorOverride[] = [];
  if (opts.cpuMoe) overrides.push({ pattern: EXPERT_TENSORS, bufferType: "CPU" });
  if (opts.nCpuMoe !== undefined) {
    if (!Number.isInteger(opts.nCpuMoe) || opts.nCpuMoe < 0)
      throw new EngineError(`nCpuMoe = ${opts.nCpuMoe}; expected a layer count (0 or more)`);
    for (let il = 0; il < opts.nCpuMoe; il++)
      overrides.push({ pattern: `blk\\.${il}${EXPERT_TENSORS}`, bufferType: "CPU" });
  }
  overrides.push(...(opts.overrides ?? []));
  const names = gguf.tensors.map((t) => t.name);
  for (const { pattern } of overrides) checkPattern(pattern, names, gguf.path);
  return overrides;
}

function checkPattern(pattern: string, names: string[], file: string): void {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new EngineError(`tensor override pattern ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
  if (names.some((n) => re.test(n))) return;
  // one entry per tensor kind: blk.0.attn_q.weight … blk.27.attn_q.weight become blk.N.attn_q.weight
  const kinds = [...new Set(names.map((n) => n.replace(/^blk\.\d+\./, "blk.N.")))];
  throw new EngineError(
    `tensor override pattern ${JSON.stringify(pattern)} matches none of the ${names.length} tensors of ${file}; ` +
      `their names are ${kinds.join(", ")} (N = layer)`,
  );
}
