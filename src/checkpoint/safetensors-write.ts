/**
 * @module Deterministic .safetensors writer: same tensors in, same bytes out. The header lists
 * `__metadata__` first, then tensors in the order given, laid out back to back in that order; it is
 * padded with spaces to a multiple of 8 bytes as the reference (Rust) implementation does.
 */
import * as fs from "node:fs";
import { CheckpointError } from "./errors.js";
import { f32ToBf16, f32ToF16 } from "./float-convert.js";
import { DTYPE_BYTES, elementCount, type FloatDtype } from "./safetensors-format.js";

/** One tensor to write. `data` may be a thunk so that huge checkpoints are built one tensor at a time. */
export interface TensorToWrite {
  name: string;
  dtype: FloatDtype;
  shape: number[];
  data: Float32Array | (() => Float32Array);
}

/**
 * Writes `tensors` (values given as float32, stored converted to each tensor's dtype with
 * round-to-nearest-even) to `file`.
 * @example writeSafetensors("model.safetensors", [{ name: "w", dtype: "BF16", shape: [2, 2], data: new Float32Array(4) }]);
 */
export function writeSafetensors(
  file: string,
  tensors: TensorToWrite[],
  metadata?: Record<string, string>,
): void {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === "__metadata__" || t.name in header) {
      throw new CheckpointError(`${file}: duplicate or reserved tensor name "${t.name}"`, file, t.name);
    }
    const size = elementCount(t.shape) * DTYPE_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = Buffer.from(JSON.stringify(header), "utf8");
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = Buffer.concat([json, Buffer.alloc(padded - json.length, 0x20)]);
  const lengthPrefix = Buffer.alloc(8);
  lengthPrefix.writeBigUInt64LE(BigInt(json.length));

  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, lengthPrefix);
    fs.writeSync(fd, json);
    for (const t of tensors) writeAll(fd, encodeTensor(file, t));
  } finally {
    fs.closeSync(fd);
  }
}

function encodeTensor(file: string, t: TensorToWrite): Uint8Array {
  const data = typeof t.data === "function" ? t.data() : t.data;
  const n = elementCount(t.shape);
  if (data.length !== n) {
    throw new CheckpointError(
      `${file}: tensor "${t.name}" has ${data.length} values but shape [${t.shape}] needs ${n}`,
      file,
      t.name,
    );
  }
  const encoded = t.dtype === "F32" ? data : t.dtype === "F16" ? f32ToF16(data) : f32ToBf16(data);
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}
