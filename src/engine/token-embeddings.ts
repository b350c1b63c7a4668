/**
 * @module The model's input embedding table, read row by row from the GGUF file and dequantised exactly
 * as ggml's get_rows does, so feeding E[id] as an embedding gives the same logits as feeding token id.
 * Types Rio does not decode itself (the K-quants of published GGUF files) are dequantised by ggml's own
 * row dequantiser, given by the caller. The table is memory-mapped: it stays in the page cache that
 * llama.cpp's own mapping shares, a row costs no system call (a SwiReasoning mixture reads up to a thousand
 * per step), and no copy is kept here.
 */
import * as fs from "node:fs";
import {
  dequantiseRow,
  GgmlType,
  type GgufFile,
  ggmlBlockLayout,
  ggmlByteSize,
  ggmlTypeName,
  type SupportedType,
} from "../checkpoint/index.js";
import { mixRows, type RowType } from "../kernels/index.js";
import { type FileMap, mapFileRange, type RowDequantiser } from "../llama/index.js";
import { EngineError } from "./errors.js";

const TOKEN_EMBEDDING = "token_embd.weight";
/** Types whose rows Rio dequantises itself, bit-exactly like ggml (the types Rio's converter writes). */
const EMBEDDING_TYPES: readonly number[] = [
  GgmlType.F32,
  GgmlType.F16,
  GgmlType.BF16,
  GgmlType.Q8_0,
  GgmlType.Q4_0,
];

const ROW_TYPES: Record<SupportedType, RowType> = {
  [GgmlType.F32]: "f32",
  [GgmlType.F16]: "f16",
  [GgmlType.BF16]: "bf16",
  [GgmlType.Q8_0]: "q8_0",
  [GgmlType.Q4_0]: "q4_0",
};

/** Row access to `token_embd.weight` of one GGUF file. */
export class TokenEmbeddings {
  readonly hiddenSize: number;
  readonly vocabSize: number;
  private readonly type: GgmlType;
  private readonly rowBytes: number;
  /** ggml's dequantiser, for a type outside EMBEDDING_TYPES. */
  private readonly foreign: RowDequantiser | undefined;
  private table: FileMap | undefined;
  private mean: Float32Array | undefined;

  /** `dequantiserFor` gives ggml's row dequantiser of a type Rio does not decode itself. */
  constructor(gguf: GgufFile, dequantiserFor?: (type: number) => RowDequantiser) {
    const tensor = gguf.tensors.find((t) => t.name === TOKEN_EMBEDDING);
    if (!tensor) throw new EngineError(`${gguf.path}: no tensor ${TOKEN_EMBEDDING}`);
    const own = EMBEDDING_TYPES.includes(tensor.type);
    if (!own && !(dequantiserFor && ggmlBlockLayout(tensor.type)))
      throw new EngineError(
        `${gguf.path}: ${TOKEN_EMBEDDING} is ${ggmlTypeName(tensor.type) ?? `ggml type ${tensor.type}`}; ` +
          `Rio reads embedding rows of ${EMBEDDING_TYPES.map(ggmlTypeName).join(", ")}, and others only ` +
          "through llama.cpp (convert the model with `rio convert`)",
      );
    this.type = tensor.type;
    this.foreign = own ? undefined : dequantiserFor?.(tensor.type);
    [this.hiddenSize, this.vocabSize] = tensor.dims;
    this.rowBytes = ggmlByteSize(this.type, this.hiddenSize);
    const fd = fs.openSync(gguf.path, "r");
    try {
      const bytes = this.rowBytes * this.vocabSize;
      this.table = mapFileRange(fd, gguf.dataOffset + tensor.offset, bytes);
    } finally {
      fs.closeSync(fd); // the mapping keeps the file
    }
  }

  /** E[id] as float32 (into `out` when given). */
  row(id: number, out: Float32Array = new Float32Array(this.hiddenSize)): Float32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
      throw new EngineError(`token id ${id} is outside the embedding table [0, ${this.vocabSize})`);
    if (!this.table) throw new EngineError("the embedding table has been closed");
    if (this.foreign)
      return this.foreign(this.table.bytes.subarray(id * this.rowBytes, (id + 1) * this.rowBytes), out);
    return dequantiseRow(this.type as SupportedType, this.table.bytes, id, this.hiddenSize, out);
  }

  /**
   * sum_i weights[i] * E[ids[i]] + meanWeight * meanRow(): a soft input, mixed from the stored rows by the
   * SIMD kernels in float32 (the float64 reference is mixtureToVector in the decoding layer).
   */
  mix(ids: ArrayLike<number>, weights: ArrayLike<number>, meanWeight = 0): Float32Array {
    if (!this.table) throw new EngineError("the embedding table has been closed");
    const out = this.foreign
      ? this.mixForeign(ids, weights)
      : mixRows(this.table.bytes, ROW_TYPES[this.type as SupportedType], this.hiddenSize, ids, weights);
    if (meanWeight !== 0) {
      const mean = this.meanRow();
      for (let j = 0; j < out.length; j++) out[j] += meanWeight * mean[j];
    }
    return out;
  }

  /** mix() for foreign types: the rows dequantised by ggml into float32, then mixed by the same kernel. */
  private mixForeign(ids: ArrayLike<number>, weights: ArrayLike<number>): Float32Array {
    const rows = new Float32Array(ids.length * this.hiddenSize);
    for (let i = 0; i < ids.length; i++)
      this.row(ids[i], rows.subarray(i * this.hiddenSize, (i + 1) * this.hiddenSize));
    const bytes = new Uint8Array(rows.buffer);
    return mixRows(
      bytes,
      "f32",
      this.hiddenSize,
      Array.from(ids, (_, i) => i),
      weights,
    );
  }

  /**
   * The mean of all rows (float64 sums), computed on first use and kept: the expected row of a
   * distribution's tail, which sparse soft embeddings give the mass they leave out.
   */
  meanRow(): Float32Array {
    if (this.mean) return this.mean;
    const sum = new Float64Array(this.hiddenSize);
    const row = new Float32Array(this.hiddenSize);
    for (let id = 0; id < this.vocabSize; id++) {
      this.row(id, row);
      for (let i = 0; i < row.length; i++) sum[i] += row[i];
    }
    this.mean = Float32Array.from(sum, (x) => x / this.vocabSize);
    return this.mean;
  }

  close(): void {
    this.table?.unmap();
    this.table = undefined;
  }
}
