import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  GgmlType,
  GgufError,
  type GgufKv,
  readGguf,
  readGgufTensor,
  writeGguf,
} from "../../src/checkpoint/gguf/index.js";

const dir = mkdtempSync(join(tmpdir(), "rio-gguf-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ALL_TYPES: GgufKv[] = [
  { key: "t.u8", value: { type: "uint8", value: 200 } },
  { key: "t.i8", value: { type: "int8", value: -100 } },
  { key: "t.u16", value: { type: "uint16", value: 60000 } },
  { key: "t.i16", value: { type: "int16", value: -30000 } },
  { key: "t.u32", value: { type: "uint32", value: 4000000000 } },
  { key: "t.i32", value: { type: "int32", value: -2000000000 } },
  { key: "t.f32", value: { type: "float32", value: 1.5 } },
  { key: "t.f64", value: { type: "float64", value: Math.PI } },
  { key: "t.bool", value: { type: "bool", value: true } },
  { key: "t.str", value: { type: "string", value: "héllo ☃" } },
  { key: "t.u64", value: { type: "uint64", value: 2n ** 63n + 5n } },
  { key: "t.i64", value: { type: "int64", value: -(2n ** 62n) } },
  { key: "t.arr_str", value: { type: "array", itemType: "string", value: ["a", "", "Ġthe"] } },
  { key: "t.arr_i32", value: { type: "array", itemType: "int32", value: [1, -2, 3] } },
  { key: "t.arr_empty", value: { type: "array", itemType: "float32", value: [] } },
];

function sample(name = "ok.gguf"): string {
  const file = join(dir, name);
  writeGguf(file, {
    metadata: ALL_TYPES,
    tensors: [
      { name: "a", type: GgmlType.F32, dims: [3], data: new Uint8Array(new Float32Array([1, 2, 3]).buffer) },
      { name: "b", type: GgmlType.Q8_0, dims: [32, 2], data: () => new Uint8Array(68).fill(7) },
      { name: "c", type: GgmlType.F16, dims: [4, 1, 1], data: new Uint8Array(8).fill(1) },
    ],
  });
  return file;
}

/** Hand-built header bytes, for malformed files the writer refuses to produce. */
function header(opts: {
  magic?: number;
  version?: number;
  kvs?: Buffer[];
  tensors?: Buffer[];
  tail?: number;
}): Buffer {
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  const u64 = (v: number | bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    return b;
  };
  const kvs = opts.kvs ?? [];
  const tensors = opts.tensors ?? [];
  return Buffer.concat([
    u32(opts.magic ?? 0x46554747),
    u32(opts.version ?? 3),
    u64(tensors.length),
    u64(kvs.length),
    ...kvs,
    ...tensors,
    Buffer.alloc(opts.tail ?? 0),
  ]);
}
const str = (s: string) => {
  const b = Buffer.from(s);
  const l = Buffer.alloc(8);
  l.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([l, b]);
};
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
const u64 = (v: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const tensor = (name: string, dims: number[], type: number, offset: number) =>
  Buffer.concat([str(name), u32(dims.length), ...dims.map(u64), u32(type), u64(offset)]);

function rejects(bytes: Buffer, pattern: RegExp): void {
  const file = join(dir, "bad.gguf");
  writeFileSync(file, bytes);
  assert.throws(
    () => readGguf(file),
    (e: unknown) => e instanceof GgufError && pattern.test(e.message) && e.message.includes(file),
  );
}

describe("GGUF writer + reader", () => {
  it("round-trips every metadata value type", () => {
    const g = readGguf(sample());
    assert.equal(g.version, 3);
    for (const kv of ALL_TYPES) assert.deepEqual(g.metadata.get(kv.key), kv.value, kv.key);
  });

  it("lays tensors out 32-aligned as a running sum of padded sizes, dims as given", () => {
    const g = readGguf(sample());
    assert.equal(g.dataOffset % 32, 0);
    assert.deepEqual(
      g.tensors.map((t) => [t.name, t.type, t.dims, t.offset, t.nbytes]),
      [
        ["a", GgmlType.F32, [3], 0, 12],
        ["b", GgmlType.Q8_0, [32, 2], 32, 68],
        ["c", GgmlType.F16, [4, 1, 1], 128, 8],
      ],
    );
    assert.deepEqual([...new Float32Array(readGgufTensor(g, "a").slice().buffer)], [1, 2, 3]);
    assert.deepEqual([...readGgufTensor(g, "b")], new Array(68).fill(7));
    assert.equal(readFileSync(g.path).length, g.dataOffset + 160);
  });

  it("honours general.alignment", () => {
    const file = join(dir, "align.gguf");
    writeGguf(file, {
      metadata: [{ key: "general.alignment", value: { type: "uint32", value: 64 } }],
      tensors: [
        { name: "a", type: GgmlType.F32, dims: [1], data: new Uint8Array(4) },
        { name: "b", type: GgmlType.F32, dims: [1], data: new Uint8Array(4) },
      ],
    });
    const g = readGguf(file);
    assert.equal(g.alignment, 64);
    assert.equal(g.dataOffset % 64, 0);
    assert.equal(g.tensors[1].offset, 64);
  });

  it("refuses data whose size does not match dims and type", () => {
    assert.throws(
      () =>
        writeGguf(join(dir, "w.gguf"), {
          metadata: [],
          tensors: [{ name: "a", type: GgmlType.F32, dims: [2], data: new Uint8Array(4) }],
        }),
      /8 bytes expected/,
    );
  });

  it("refuses rows that are not whole blocks, duplicate names and bad alignment", () => {
    const w = (metadata: GgufKv[], tensors: Parameters<typeof writeGguf>[1]["tensors"]) => () =>
      writeGguf(join(dir, "w.gguf"), { metadata, tensors });
    const q8 = { name: "q", type: GgmlType.Q8_0, dims: [16, 2], data: new Uint8Array(34) };
    assert.throws(w([], [q8]), /row length 16 is not a multiple of the Q8_0 block size 32/);
    const a = { name: "a", type: GgmlType.F32, dims: [1], data: new Uint8Array(4) };
    assert.throws(w([], [a, a]), /tensor a: duplicate name/);
    assert.throws(
      w([{ key: "general.alignment", value: { type: "uint32", value: 48 } }], [a]),
      /power-of-two/,
    );
  });

  it("throws for an unknown tensor name", () => {
    assert.throws(() => readGgufTensor(readGguf(sample()), "nope"), /no tensor named nope/);
  });
});

describe("GGUF reader errors", () => {
  it("truncated file", () => {
    const file = sample("trunc.gguf");
    truncateSync(file, 40);
    assert.throws(() => readGguf(file), /truncated/);
  });
  it("truncated tensor data", () => {
    const file = sample("trunc2.gguf");
    truncateSync(file, readGguf(file).dataOffset + 100);
    assert.throws(() => readGguf(file), /tensor c: .*runs past end of file/);
  });
  it("bad magic", () => rejects(header({ magic: 0x46554748 }), /bad magic/));
  it("unsupported version", () => rejects(header({ version: 4 }), /unsupported GGUF version 4/));
  it("string length past end of file", () =>
    rejects(
      header({ kvs: [Buffer.concat([str("k"), u32(8), u64(1000)])] }),
      /metadata k length 1000 .*past end of file/,
    ));
  it("array length past end of file", () =>
    rejects(
      header({ kvs: [Buffer.concat([str("k"), u32(9), u32(5), u64(1e6)])] }),
      /metadata k: array of 1000000 int32 .*past end of file/,
    ));
  it("unknown value type", () =>
    rejects(header({ kvs: [Buffer.concat([str("k"), u32(13), u32(0)])] }), /metadata k: unknown value type/));
  it("unknown ggml type", () =>
    rejects(header({ tensors: [tensor("w", [4], 99, 0)], tail: 64 }), /tensor w: unknown ggml type 99/));
  it("offset not aligned", () =>
    rejects(header({ tensors: [tensor("w", [4], 0, 8)], tail: 64 }), /offset 8 is not aligned to 32/));
  it("offset out of range", () =>
    rejects(header({ tensors: [tensor("w", [4], 0, 1024)], tail: 64 }), /tensor w: .*runs past end of file/));
  it("overlapping tensors", () =>
    rejects(
      header({ tensors: [tensor("w", [16], 0, 0), tensor("v", [4], 0, 32)], tail: 128 }),
      /w and v overlap/,
    ));
  it("byte size inconsistent with dims and type", () =>
    rejects(
      header({ tensors: [tensor("w", [33], GgmlType.Q8_0, 0)], tail: 128 }),
      /first dimension 33 is not a multiple of the Q8_0 block size 32/,
    ));
});
