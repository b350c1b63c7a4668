/**
 * @module reference/weights
 * Hugging Face tensors as float64, read straight from the checkpoint's safetensors, converted once
 * and kept. Float64 costs 8 bytes per parameter: fine for tiny test models, hopeless for real ones
 * (Qwen3-0.6B would need ~4.8 GB), which is why the reference is for tiny models only.
 */
import type { Checkpoint } from "../checkpoint/index.js";
import type { Matrix } from "./ops.js";

export class ReferenceWeights {
  private readonly cache = new Map<string, Float64Array>();
  private readonly names: Set<string>;

  /** Tensor names are the checkpoint's canonical ones (Qwen3.5's `model.language_model.*` read as `model.*`). */
  constructor(private readonly ckpt: Checkpoint) {
    this.names = new Set(ckpt.tensorNames());
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** The tensor `name` as float64, checked to have exactly `shape`. */
  tensor(name: string, shape: number[]): Float64Array {
    const info = this.ckpt.info(name);
    if (info.shape.length !== shape.length || info.shape.some((d: number, i: number) => d !== shape[i])) {
      throw new Error(`${this.ckpt.dir}: tensor ${name} has shape [${info.shape}], expected [${shape}]`);
    }
    let data = this.cache.get(name);
    if (!data) {
      data = Float64Array.from(this.ckpt.readFloat32(name));
      this.cache.set(name, data);
    }
    return data;
  }

  vector(name: string, n: number): Float64Array {
    return this.tensor(name, [n]);
  }

  /** A 2-D weight [rows, cols], e.g. an `nn.Linear` weight [out, in]. */
  matrix(name: string, rows: number, cols: number): Matrix {
    return { rows, cols, data: this.tensor(name, [rows, cols]) };
  }

  /** Rows [from, from + rows) of a stacked tensor (e.g. one expert of `experts.gate_up_proj` [E, 2I, H]). */
  slice(name: string, shape: number[], offset: number, rows: number, cols: number): Matrix {
    const data = this.tensor(name, shape);
    return { rows, cols, data: data.subarray(offset * cols, (offset + rows) * cols) };
  }
}
