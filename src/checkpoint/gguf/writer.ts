/**
 * @module GGUF v3 writer. The header (metadata + tensor directory) is built in memory; tensor data is
 * produced and written one tensor at a time so a model never has to fit in memory.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  type GgmlType,
  type GgufKv,
  type GgufScalar,
  type GgufScalarType,
  GgufValueType,
  ggmlBlockLayout,
  ggmlByteSize,
  ggmlTypeName,
} from "./types.js";

/** A tensor to write: `data` is its bytes, or a function producing them when the writer reaches it. */
export interface GgufTensorSource {
  name: string;
  type: GgmlType;
  /** ggml order: fastest-varying dimension first (the PyTorch shape reversed). */
  dims: number[];
  data: Uint8Array | (() => Uint8Array);
}

/** Growable little-endian byte buffer for the header. */
class ByteSink {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private reserve(n: number): Buffer {
    if (this.length + n > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    return this.buf;
  }
  u32(v: number): void {
    this.reserve(4).writeUInt32LE(v, this.length);
    this.length += 4;
  }
  u64(v: number | bigint): void {
    this.reserve(8).writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  string(s: string): void {
    const length = Buffer.byteLength(s, "utf8");
    this.u64(length);
    this.length += this.reserve(length).write(s, this.length, "utf8");
  }
  scalar(type: GgufScalarType, v: GgufScalar, key: string): void {
    if (type === "string") {
      need(typeof v === "string", key, type, v);
      this.string(v as string);
      return;
    }
    if (type === "bool") {
      need(typeof v === "boolean", key, type, v);
      this.reserve(1)[this.length++] = v ? 1 : 0;
      return;
    }
    if (type === "uint64" || type === "int64") {
      need(typeof v === "bigint" || Number.isInteger(v), key, type, v);
      const b = this.reserve(8);
      if (type === "uint64") b.writeBigUInt64LE(BigInt(v as number), this.length);
      else b.writeBigInt64LE(BigInt(v as number), this.length);
      this.length += 8;
      return;
    }
    need(typeof v === "number", key, type, v);
    const n = v as number;
    const b = this.reserve(8);
    const at = this.length;
    switch (type) {
      case "uint8":
        this.length = b.writeUInt8(n, at);
        break;
      case "int8":
        this.length = b.writeInt8(n, at);
        break;
      case "uint16":
        this.length = b.writeUInt16LE(n, at);
        break;
      case "int16":
        this.length = b.writeInt16LE(n, at);
        break;
      case "uint32":
        this.length = b.writeUInt32LE(n, at);
        break;
      case "int32":
        this.length = b.writeInt32LE(n, at);
        break;
      case "float32":
        this.length = b.writeFloatLE(n, at);
        break;
      case "float64":
        this.length = b.writeDoubleLE(n, at);
        break;
    }
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function need(ok: boolean, key: string, type: GgufScalarType, v: GgufScalar): void {
  if (!ok)
    throw new Error(
      `GGUF metadata ${key}: ${JSON.stringify(String(v))} (${typeof v}) is not a valid ${type}`,
    );
}

function padTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

function alignmentOf(metadata: GgufKv[]): number {
  const entry = metadata.find((kv) => kv.key === "general.alignment");
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  const v = entry.value.value;
  if (entry.value.type !== "uint32" || typeof v !== "number" || v <= 0 || (v & (v - 1)) !== 0) {
    throw new Error("GGUF metadata general.alignment must be a non-zero power-of-two uint32");
  }
  return v;
}

/**
 * Writes a GGUF v3 file. Tensor data offsets are the running sum of each tensor's size padded to the
 * alignment (general.alignment if given in `metadata`, else 32), in list order.
 * @example writeGguf("m.gguf", { metadata: [{ key: "general.architecture", value: { type: "string", value: "qwen3" } }], tensors })
 */
export function writeGguf(
  file: string,
  contents: { metadata: GgufKv[]; tensors: GgufTensorSource[] },
  onTensorWritten?: (done: number, total: number) => void,
): void {
  const { metadata, tensors } = contents;
  const alignment = alignmentOf(metadata);
  const header = new ByteSink();
  header.u32(GGUF_MAGIC);
  header.u32(3);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const { key, value } of metadata) {
    header.string(key);
    header.u32(GgufValueType[value.type]);
    if (value.type === "array") {
      header.u32(GgufValueType[value.itemType]);
      header.u64(value.value.length);
      for (const item of value.value) header.scalar(value.itemType, item, key);
    } else {
      header.scalar(value.type, value.value, key);
    }
  }
  const sizes: number[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    const layout = ggmlBlockLayout(t.type);
    if (!layout) throw new Error(`tensor ${t.name}: unknown ggml type ${t.type}`);
    if (names.has(t.name)) throw new Error(`tensor ${t.name}: duplicate name`);
    names.add(t.name);
    // blocks never straddle rows: the first (row) dimension must be whole blocks
    if (t.dims[0] % layout.blockSize !== 0) {
      throw new Error(
        `tensor ${t.name}: row length ${t.dims[0]} is not a multiple of the ${ggmlTypeName(t.type)} block size ${layout.blockSize}`,
      );
    }
    const nbytes = ggmlByteSize(
      t.type,
      t.dims.reduce((a, b) => a * b, 1),
    );
    header.string(t.name);
    header.u32(t.dims.length);
    for (const d of t.dims) header.u64(d);
    header.u32(t.type);
    header.u64(offset);
    sizes.push(nbytes);
    offset += padTo(nbytes, alignment);
  }
  const headerBytes = header.bytes();
  const fd = openSync(file, "w");
  try {
    let position = writeAll(fd, headerBytes, 0);
    position = writeAll(fd, new Uint8Array(padTo(position, alignment) - position), position);
    tensors.forEach((t, i) => {
      const data = typeof t.data === "function" ? t.data() : t.data;
      if (data.length !== sizes[i]) {
        throw new Error(
          `tensor ${t.name}: ${sizes[i]} bytes expected for ${ggmlTypeName(t.type)} [${t.dims}], got ${data.length}`,
        );
      }
      position = writeAll(fd, data, position);
      position = writeAll(fd, new Uint8Array(padTo(position, alignment) - position), position);
      onTensorWritten?.(i + 1, tensors.length);
    });
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Uint8Array, position: number): number {
  let written = 0;
  while (written < data.length)
    written += writeSync(fd, data, written, data.length - written, position + written);
  return position + data.length;
}
