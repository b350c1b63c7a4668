/**
 * @module What an architecture's rules produce for the driver: a plan of GGUF tensors, each with its
 * PyTorch-order shape and a lazy producer of its values, built from the checkpoint's HF tensors.
 * Most tensors are a plain rename; the helpers here cover llama.cpp's many-to-one (expert stacking) and
 * one-to-many (fused gate_up split) cases.
 */
import type { Checkpoint } from "../checkpoint.js";
import { CheckpointError } from "../errors.js";
import type { TextConfig } from "../text-config.js";

/** The part of a checkpoint the rules read. */
export type TensorSource = Pick<Checkpoint, "dir" | "tensorNames" | "info" | "readFloat32">;

/** One GGUF tensor to write. */
export interface TensorPlan {
  name: string;
  /** PyTorch (row-major) shape of the values; GGUF dims are its reverse. */
  shape: number[];
  /** Produces the values (read and transformed only when the writer reaches this tensor). */
  data(): Float32Array;
}

/** Where an HF tensor goes: its plans, null to drop it, undefined when the rules do not know it. */
export type Placement = TensorPlan[] | null | undefined;

/**
 * Plans every tensor of `src` through `place`; an HF tensor that `place` does not know is an error. A tied
 * `lm_head.weight` is dropped first: llama.cpp reuses token_embd when `output.weight` is absent.
 */
export function planTensors(
  src: TensorSource,
  config: TextConfig,
  arch: string,
  place: (hfName: string) => Placement,
): TensorPlan[] {
  const plans: TensorPlan[] = [];
  for (const hfName of src.tensorNames()) {
    if (hfName === "lm_head.weight" && config.tie_word_embeddings) continue;
    const placed = place(hfName);
    if (placed === undefined)
      throw new CheckpointError(`${src.dir}: tensor ${hfName} has no ${arch} GGUF name`, src.dir, hfName);
    if (placed) plans.push(...placed);
  }
  return plans;
}

/** The HF tensor `hfName` under a GGUF name, its values optionally transformed in place. */
export function renamed(
  src: TensorSource,
  hfName: string,
  name: string,
  transform?: (data: Float32Array) => Float32Array,
  shape = src.info(hfName).shape,
): TensorPlan {
  return {
    name,
    shape,
    data: () => (transform ? transform(src.readFloat32(hfName)) : src.readFloat32(hfName)),
  };
}

/** Looks `hfName` up in a `{bid}` name table (`model.layers.{bid}.x` -> `blk.{bid}.y`). */
export function mapName(table: Record<string, string>, hfName: string): string | undefined {
  const bid = /^model\.layers\.(\d+)\./.exec(hfName)?.[1];
  const key = bid === undefined ? hfName : hfName.replace(`model.layers.${bid}.`, "model.layers.{bid}.");
  return table[key]?.replaceAll("{bid}", bid ?? "");
}

const EXPERT_NAME = /^model\.layers\.(\d+)\.mlp\.experts\.(\d+)\.(gate_proj|up_proj|down_proj)\.weight$/;
const EXPERT_GGUF = {
  gate_proj: "ffn_gate_exps",
  up_proj: "ffn_up_exps",
  down_proj: "ffn_down_exps",
} as const;

/**
 * Per-expert 2-D weights (`mlp.experts.{e}.{gate,up,down}_proj.weight`) stacked into llama.cpp's 3-D
 * `blk.N.ffn_{gate,up,down}_exps.weight` [experts, rows, cols] (Qwen2MoeModel.modify_tensors). Expert 0's
 * tensor carries the stacked plan; the others map to nothing. Undefined for names that are not experts.
 */
export function stackedExpert(src: TensorSource, hfName: string, experts: number): Placement {
  const m = EXPERT_NAME.exec(hfName);
  if (!m) return undefined;
  const [, bid, expert, proj] = m;
  if (Number(expert) >= experts)
    throw new CheckpointError(
      `${src.dir}: tensor ${hfName}: expert ${expert} out of range (config num_experts = ${experts})`,
      src.dir,
      hfName,
    );
  if (expert !== "0") return [];
  const nameOf = (e: number) => `model.layers.${bid}.mlp.experts.${e}.${proj}.weight`;
  const [rows, cols] = src.info(hfName).shape;
  const size = rows * cols;
  const data = () => {
    const out = new Float32Array(experts * size);
    for (let e = 0; e < experts; e++) {
      const part = src.readFloat32(nameOf(e)); // throws CheckpointError naming a missing expert
      if (part.length !== size)
        throw new CheckpointError(
          `${src.dir}: tensor ${nameOf(e)}: shape differs from expert 0's [${rows}, ${cols}]`,
          src.dir,
          nameOf(e),
        );
      out.set(part, e * size);
    }
    return out;
  };
  return [
    {
      name: `blk.${bid}.${EXPERT_GGUF[proj as keyof typeof EXPERT_GGUF]}.weight`,
      shape: [experts, rows, cols],
      data,
    },
  ];
}

/**
 * A fused expert tensor `mlp.experts.gate_up_proj` [experts, 2 * ff, hidden] split into
 * `ffn_gate_exps` (first ff rows of each expert) and `ffn_up_exps` (the rest), as llama.cpp's converter
 * does by default (without --fuse-gate-up-exps).
 */
export function splitGateUp(src: TensorSource, hfName: string, bid: string): TensorPlan[] {
  const [experts, rows, cols] = src.info(hfName).shape;
  if (rows % 2 !== 0)
    throw new CheckpointError(
      `${src.dir}: tensor ${hfName}: [${experts}, ${rows}, ${cols}] has an odd gate_up row count`,
      src.dir,
      hfName,
    );
  const ff = rows / 2;
  const half = (first: number) => () => {
    const all = src.readFloat32(hfName);
    const out = new Float32Array(experts * ff * cols);
    for (let e = 0; e < experts; e++)
      out.set(all.subarray((e * rows + first) * cols, (e * rows + first + ff) * cols), e * ff * cols);
    return out;
  };
  const shape = [experts, ff, cols];
  return [
    { name: `blk.${bid}.ffn_gate_exps.weight`, shape, data: half(0) },
    { name: `blk.${bid}.ffn_up_exps.weight`, shape, data: half(ff) },
  ];
}
