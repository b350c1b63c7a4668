/**
 * @module The model's input embedding table, read row by row from the GGUF file and dequantised exactly
 * as ggml's get_rows does, so feeding E[id] as an embedding gives the same logits as feeding token id.
 * Rows are read with pread on demand: the table stays in the page cache that llama.cpp's mmap shares,
 * instead of a second copy in this process.
 */
import * as fs from "node:fs";
import {
  dequantiseRow,
  GgmlType,
  type GgufFile,
  ggmlByteSize,
  ggmlTypeName,
  type SupportedType,
} from "../checkpoint/index.js";
import { EngineError } from "./errors.js";

const TOKEN_EMBEDDING = "token_embd.weight";
/** Types whose rows Rio dequantises bit-exactly like ggml (the types `rio convert` writes). */
const EMBEDDING_TYPES: readonly number[] = [
  GgmlType.F32,
  GgmlType.F16,
  GgmlType.BF16,
  GgmlType.Q8_0,
  GgmlType.Q4_0,
];

/**
 * Rows kept dequantised (about 4 KiB each at hidden 1024): SwiReasoning mixtures reuse the head of the
 * distribution step after step, and a cached row costs a copy instead of a pread and a dequantisation.
 */
const CACHED_ROWS = 8192;

/** Row access to `token_embd.weight` of one GGUF file. */
export class TokenEmbeddings {
  readonly hiddenSize: number;
  readonly vocabSize: number;
  private readonly type: SupportedType;
  private readonly rowBytes: number;
  private readonly tableOffset: number;
  private readonly scratch: Uint8Array;
  private readonly rowValues: Float32Array;
  private fd: number | undefined;
  private mean: Float32Array | undefined;
  /** Insertion-ordered, so the first key is the least recently used. */
  private readonly cache = new Map<number, Float32Array>();

  constructor(gguf: GgufFile) {
    const tensor = gguf.tensors.find((t) => t.name === TOKEN_EMBEDDING);
    if (!tensor) throw new EngineError(`${gguf.path}: no tensor ${TOKEN_EMBEDDING}`);
    if (!EMBEDDING_TYPES.includes(tensor.type))
      throw new EngineError(
        `${gguf.path}: ${TOKEN_EMBEDDING} is ${ggmlTypeName(tensor.type)}; Rio dequantises embedding rows of ` +
          `${EMBEDDING_TYPES.map(ggmlTypeName).join(", ")} only (convert the model with \`rio convert\`)`,
      );
    this.type = tensor.type as SupportedType;
    [this.hiddenSize, this.vocabSize] = tensor.dims;
    this.rowBytes = ggmlByteSize(this.type, this.hiddenSize);
    this.tableOffset = gguf.dataOffset + tensor.offset;
    this.scratch = new Uint8Array(this.rowBytes);
    this.rowValues = new Float32Array(this.hiddenSize);
    this.fd = fs.openSync(gguf.path, "r");
  }

  /** E[id] as float32 (into `out` when given). */
  row(id: number, out: Float32Array = new Float32Array(this.hiddenSize)): Float32Array {
    const cached = this.cache.get(id);
    if (cached) {
      this.cache.delete(id);
      this.cache.set(id, cached);
      out.set(cached);
      return out;
    }
    this.read(id, out);
    if (this.cache.size >= CACHED_ROWS) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(id, out.slice());
    return out;
  }

  /** Reads and dequantises row `id` from the file. */
  private read(id: number, out: Float32Array): Float32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
      throw new EngineError(`token id ${id} is outside the embedding table [0, ${this.vocabSize})`);
    if (this.fd === undefined) throw new EngineError("the embedding table has been closed");
    const n = fs.readSync(this.fd, this.scratch, 0, this.rowBytes, this.tableOffset + id * this.rowBytes);
    if (n !== this.rowBytes)
      throw new EngineError(`short read of embedding row ${id}: ${n} of ${this.rowBytes} bytes`);
    return dequantiseRow(this.type, this.scratch, 0, this.hiddenSize, out);
  }

  /**
   * The mean of all rows (float64 sums), computed on first use and kept: the expected row of a
   * distribution's tail, which sparse soft embeddings give the mass they leave out.
   */
  meanRow(): Float32Array {
    if (this.mean) return this.mean;
    const sum = new Float64Array(this.hiddenSize);
    for (let id = 0; id < this.vocabSize; id++) {
      const row = this.read(id, this.rowValues);
      for (let i = 0; i < row.length; i++) sum[i] += row[i];
    }
    this.mean = Float32Array.from(sum, (x) => x / this.vocabSize);
    return this.mean;
  }

  close(): void {
    this.cache.clear();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
