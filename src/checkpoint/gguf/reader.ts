/**
 * @module GGUF v2/v3 reader: parses and validates the header and tensor directory; tensor data is read
 * lazily, one tensor at a time.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { CheckpointError } from "../errors.js";
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  type GgmlType,
  type GgufFile,
  type GgufScalar,
  type GgufScalarType,
  type GgufTensorInfo,
  type GgufValue,
  GgufValueType,
  ggmlBlockLayout,
  ggmlTypeName,
} from "./types.js";

/** A malformed or unsupported GGUF file; the message names the file, what was wrong and where. */
export class GgufError extends CheckpointError {
  constructor(message: string, file: string) {
    super(`${file}: ${message}`, file);
    this.name = "GgufError";
  }
}

const MAX_DIMS = 4; // GGML_MAX_DIMS
const SCALAR_BY_ID = new Map<number, GgufScalarType | "array">(
  Object.entries(GgufValueType).map(([name, id]) => [id, name as GgufScalarType | "array"]),
);

/** Sequential little-endian reads over a file descriptor through a sliding window. */
class Cursor {
  private buf = Buffer.alloc(1 << 20);
  private start = 0; // file offset of buf[0]
  private end = 0; // file offset just past the valid bytes in buf
  pos = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly file: string,
  ) {}

  fail(message: string): never {
    throw new GgufError(message, this.file);
  }

  private ensure(n: number, what: string): void {
    if (this.pos + n > this.size)
      this.fail(`truncated: ${what} at offset ${this.pos} needs ${n} bytes, file has ${this.size}`);
    if (this.pos + n <= this.end) return;
    if (n > this.buf.length) this.buf = Buffer.alloc(n);
    const length = readSync(this.fd, this.buf, 0, Math.min(this.buf.length, this.size - this.pos), this.pos);
    this.start = this.pos;
    this.end = this.pos + length;
  }
  private at(n: number, what: string): number {
    this.ensure(n, what);
    const i = this.pos - this.start;
    this.pos += n;
    return i;
  }
  u8(what: string): number {
    return this.buf[this.at(1, what)];
  }
  u32(what: string): number {
    return this.buf.readUInt32LE(this.at(4, what));
  }
  u64(what: string): number {
    const v = this.buf.readBigUInt64LE(this.at(8, what));
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      this.fail(`${what} at offset ${this.pos - 8} is too large (${v})`);
    return Number(v);
  }
  string(what: string): string {
    const length = this.u64(`${what} length`);
    if (this.pos + length > this.size)
      this.fail(
        `${what} length ${length} at offset ${this.pos - 8} runs past end of file (${this.size} bytes)`,
      );
    return this.buf.toString("utf8", this.at(length, what), this.pos - this.start);
  }
  scalar(type: GgufScalarType, what: string): GgufScalar {
    switch (type) {
      case "uint8":
        return this.u8(what);
      case "int8":
        return this.buf.readInt8(this.at(1, what));
      case "uint16":
        return this.buf.readUInt16LE(this.at(2, what));
      case "int16":
        return this.buf.readInt16LE(this.at(2, what));
      case "uint32":
        return this.u32(what);
      case "int32":
        return this.buf.readInt32LE(this.at(4, what));
      case "float32":
        return this.buf.readFloatLE(this.at(4, what));
      case "bool":
        return this.u8(what) !== 0;
      case "string":
        return this.string(what);
      case "uint64":
        return this.buf.readBigUInt64LE(this.at(8, what));
      case "int64":
        return this.buf.readBigInt64LE(this.at(8, what));
      case "float64":
        return this.buf.readDoubleLE(this.at(8, what));
    }
  }
}

/** Minimum encoded size of one value, to reject array counts that cannot fit in the file. */
function minSize(type: GgufScalarType): number {
  return {
    uint8: 1,
    int8: 1,
    bool: 1,
    uint16: 2,
    int16: 2,
    uint32: 4,
    int32: 4,
    float32: 4,
    string: 8,
    uint64: 8,
    int64: 8,
    float64: 8,
  }[type];
}

function readValue(c: Cursor, key: string): GgufValue {
  const typeOffset = c.pos;
  const type = SCALAR_BY_ID.get(c.u32(`type of ${key}`));
  if (type === undefined) c.fail(`metadata ${key}: unknown value type at offset ${typeOffset}`);
  if (type !== "array") return { type, value: c.scalar(type, `metadata ${key}`) };
  const itemId = c.u32(`array item type of ${key}`);
  const itemType = SCALAR_BY_ID.get(itemId);
  if (itemType === undefined) c.fail(`metadata ${key}: unknown array item type ${itemId}`);
  if (itemType === "array") c.fail(`metadata ${key}: nested arrays are not supported`);
  const count = c.u64(`array length of ${key}`);
  if (c.pos + count * minSize(itemType) > c.size) {
    c.fail(
      `metadata ${key}: array of ${count} ${itemType} at offset ${c.pos - 8} runs past end of file (${c.size} bytes)`,
    );
  }
  const value: GgufScalar[] = new Array(count);
  for (let i = 0; i < count; i++) value[i] = c.scalar(itemType, `metadata ${key}[${i}]`);
  return { type: "array", itemType, value };
}

/**
 * Reads and validates a GGUF file's header and tensor directory (not the tensor data).
 * @throws GgufError naming the file and the first problem found.
 */
export function readGguf(path: string): GgufFile {
  const fd = openSync(path, "r");
  try {
    const c = new Cursor(fd, fstatSync(fd).size, path);
    if (c.size < 4 || c.u32("magic") !== GGUF_MAGIC) c.fail("bad magic: not a GGUF file");
    const version = c.u32("version");
    if (version !== 2 && version !== 3) c.fail(`unsupported GGUF version ${version} (2 or 3 expected)`);
    const tensorCount = c.u64("tensor count");
    const kvCount = c.u64("metadata count");
    const metadata = new Map<string, GgufValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = c.string(`metadata key #${i}`);
      if (metadata.has(key)) c.fail(`duplicate metadata key ${key}`);
      metadata.set(key, readValue(c, key));
    }
    const alignment = readAlignment(c, metadata.get("general.alignment"));
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) tensors.push(readTensorInfo(c, i));
    const dataOffset = Math.ceil(c.pos / alignment) * alignment;
    checkTensorLayout(c, tensors, dataOffset, alignment);
    return { path, version, alignment, metadata, tensors, dataOffset, fileSize: c.size };
  } finally {
    closeSync(fd);
  }
}

function readAlignment(c: Cursor, entry: GgufValue | undefined): number {
  if (!entry) return GGUF_DEFAULT_ALIGNMENT;
  const v = entry.value;
  if (entry.type !== "uint32" || typeof v !== "number" || v === 0 || (v & (v - 1)) !== 0) {
    c.fail("general.alignment must be a non-zero power-of-two uint32");
  }
  return v;
}

function readTensorInfo(c: Cursor, index: number): GgufTensorInfo {
  const name = c.string(`tensor #${index} name`);
  const nDims = c.u32(`tensor ${name} dimension count`);
  if (nDims < 1 || nDims > MAX_DIMS) c.fail(`tensor ${name}: ${nDims} dimensions, 1..${MAX_DIMS} expected`);
  const dims: number[] = [];
  for (let d = 0; d < nDims; d++) dims.push(c.u64(`tensor ${name} dim ${d}`));
  const type = c.u32(`tensor ${name} type`);
  const layout = ggmlBlockLayout(type);
  if (!layout) c.fail(`tensor ${name}: unknown ggml type ${type}`);
  const offset = c.u64(`tensor ${name} offset`);
  if (dims[0] % layout.blockSize !== 0) {
    c.fail(
      `tensor ${name}: first dimension ${dims[0]} is not a multiple of the ${ggmlTypeName(type)} block size ${layout.blockSize}`,
    );
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const nbytes = (count / layout.blockSize) * layout.typeSize;
  return { name, type: type as GgmlType, dims, offset, nbytes };
}

function checkTensorLayout(
  c: Cursor,
  tensors: GgufTensorInfo[],
  dataOffset: number,
  alignment: number,
): void {
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) c.fail(`duplicate tensor name ${t.name}`);
    names.add(t.name);
    if (t.offset % alignment !== 0)
      c.fail(`tensor ${t.name}: offset ${t.offset} is not aligned to ${alignment}`);
    if (dataOffset + t.offset + t.nbytes > c.size) {
      c.fail(
        `tensor ${t.name}: data [${t.offset}, ${t.offset + t.nbytes}) past data start ${dataOffset} runs past end of file (${c.size} bytes)`,
      );
    }
  }
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.offset + prev.nbytes > sorted[i].offset) {
      c.fail(
        `tensors ${prev.name} and ${sorted[i].name} overlap (${prev.name} is ${prev.nbytes} bytes at ${prev.offset}, ${sorted[i].name} starts at ${sorted[i].offset})`,
      );
    }
  }
}

/** Reads one tensor's bytes from disk. @throws GgufError for an unknown name. */
export function readGgufTensor(file: GgufFile, name: string): Uint8Array {
  const info = file.tensors.find((t) => t.name === name);
  if (!info) throw new GgufError(`no tensor named ${name}`, file.path);
  const out = new Uint8Array(info.nbytes);
  const fd = openSync(file.path, "r");
  try {
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, file.dataOffset + info.offset + done);
      if (n === 0) throw new GgufError(`tensor ${name}: file ended while reading its data`, file.path);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** A metadata value, or undefined when absent; arrays come back as JS arrays. */
export function ggufMetadataValue(file: GgufFile, key: string): GgufScalar | GgufScalar[] | undefined {
  return file.metadata.get(key)?.value;
}
