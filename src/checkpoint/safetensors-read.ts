/**
 * @module Lazy reader for one .safetensors file: the header is parsed and validated on open; tensor
 * bytes are read on demand with positioned reads, so the file is never loaded whole.
 */
import * as fs from "node:fs";
import { CheckpointError } from "./errors.js";
import {
  DTYPE_BYTES,
  elementCount,
  type FloatDtype,
  type TensorInfo,
  type TensorLocation,
} from "./safetensors-format.js";

/** One open .safetensors file. */
export class SafetensorsFile {
  readonly metadata: Record<string, string>;
  private readonly tensors: Map<string, TensorLocation>;
  private fd: number | undefined;

  private constructor(
    readonly file: string,
    fd: number,
    tensors: Map<string, TensorLocation>,
    metadata: Record<string, string>,
  ) {
    this.fd = fd;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates `file`; throws {@link CheckpointError} describing the first defect found. */
  static open(file: string): SafetensorsFile {
    let fd: number;
    try {
      fd = fs.openSync(file, "r");
    } catch (err) {
      throw new CheckpointError(`${file}: cannot open safetensors file (${(err as Error).message})`, file);
    }
    try {
      const { tensors, metadata } = parseHeader(file, fd, fs.fstatSync(fd).size);
      return new SafetensorsFile(file, fd, tensors, metadata);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /** Tensor names in header order. */
  names(): string[] {
    return [...this.tensors.keys()];
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  info(name: string): TensorInfo {
    return this.locate(name).info;
  }

  /** The tensor's raw little-endian bytes (a fresh, 8-byte aligned copy). */
  readBytes(name: string): Uint8Array {
    const loc = this.locate(name);
    if (this.fd === undefined)
      throw new CheckpointError(`${this.file}: file already closed`, this.file, name);
    const bytes = new Uint8Array(loc.byteLength);
    let done = 0;
    while (done < loc.byteLength) {
      const n = fs.readSync(this.fd, bytes, done, loc.byteLength - done, loc.offset + done);
      if (n === 0) {
        throw new CheckpointError(`${this.file}: file ended while reading tensor "${name}"`, this.file, name);
      }
      done += n;
    }
    return bytes;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private locate(name: string): TensorLocation {
    const loc = this.tensors.get(name);
    if (!loc) throw new CheckpointError(`${this.file}: no tensor named "${name}"`, this.file, name);
    return loc;
  }
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

function parseHeader(file: string, fd: number, fileSize: number) {
  const fail = (msg: string, field?: string): never => {
    throw new CheckpointError(`${file}: ${msg}`, file, field);
  };
  if (fileSize < 8) fail(`truncated file: ${fileSize} bytes, expected at least the 8-byte header length`);
  const headerLength = Number(readExactly(fd, 8, 0).readBigUInt64LE(0));
  if (headerLength > fileSize - 8) {
    fail(
      `header length ${headerLength} is larger than the file (${fileSize} bytes, ${fileSize - 8} after the length)`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(readExactly(fd, headerLength, 8).toString("utf8"));
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    fail("header is not a JSON object");
  const dataStart = 8 + headerLength;
  const dataSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorLocation>();
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      const valid =
        typeof entry === "object" &&
        entry !== null &&
        Object.values(entry).every((v) => typeof v === "string");
      if (!valid) fail("__metadata__ is not an object of strings", name);
      Object.assign(metadata, entry);
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== "object" || e === null) fail(`tensor "${name}": entry is not an object`, name);
    if (typeof e.dtype !== "string" || !(e.dtype in DTYPE_BYTES)) {
      fail(
        `tensor "${name}": unknown dtype ${JSON.stringify(e.dtype)}, expected one of F32, F16, BF16`,
        name,
      );
    }
    const dtype = e.dtype as FloatDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor "${name}": shape ${JSON.stringify(e.shape)} is not a list of non-negative integers`, name);
    }
    const shape = e.shape as number[];
    const offsets = e.data_offsets;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
    ) {
      fail(
        `tensor "${name}": data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`,
        name,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end)
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] out of range: begin is after end`, name);
    if (end > dataSize) {
      fail(
        `tensor "${name}": data_offsets [${begin}, ${end}] out of range: the data section has only ${dataSize} bytes (truncated file?)`,
        name,
      );
    }
    const expected = elementCount(shape) * DTYPE_BYTES[dtype];
    if (end - begin !== expected) {
      fail(
        `tensor "${name}": shape [${shape}] of ${dtype} needs ${expected} bytes but data_offsets span ${end - begin}`,
        name,
      );
    }
    spans.push({ name, begin, end });
    tensors.set(name, { info: { name, dtype, shape }, offset: dataStart + begin, byteLength: end - begin });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1];
    const cur = spans[i];
    if (cur.begin < prev.end) {
      fail(`tensors "${prev.name}" and "${cur.name}" have overlapping data_offsets`, cur.name);
    }
  }
  return { tensors, metadata };
}
