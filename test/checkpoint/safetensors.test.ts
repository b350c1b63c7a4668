import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { CheckpointError, SafetensorsFile, writeSafetensors } from "../../src/checkpoint/index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-st-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const tmp = () => fs.mkdtempSync(path.join(root, "d"));

/** Writes a file from a raw header object and data bytes, bypassing the writer's checks. */
function rawFile(header: unknown, data: Uint8Array | number = 0, headerText?: string): string {
  const file = path.join(tmp(), "bad.safetensors");
  const json = Buffer.from(headerText ?? JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([len, json, typeof data === "number" ? Buffer.alloc(data) : data]));
  return file;
}

function assertOpenFails(file: string, pattern: RegExp, field?: string): void {
  assert.throws(
    () => SafetensorsFile.open(file),
    (err: unknown) => {
      assert.ok(err instanceof CheckpointError, `expected CheckpointError, got ${err}`);
      assert.match(err.message, pattern);
      assert.ok(err.message.startsWith(file), "message names the file");
      assert.equal(err.file, file);
      if (field) assert.equal(err.field, field);
      return true;
    },
  );
}

test("round trip of F32, F16 and BF16 tensors with metadata", () => {
  const file = path.join(tmp(), "t.safetensors");
  const values = new Float32Array([0, 1, -2.5, 3.140625, 65504, -1e-3]);
  writeSafetensors(
    file,
    [
      { name: "a", dtype: "F32", shape: [2, 3], data: values },
      { name: "b", dtype: "F16", shape: [6], data: values },
      { name: "c", dtype: "BF16", shape: [3, 2], data: () => values },
      { name: "scalar", dtype: "F32", shape: [], data: new Float32Array([7]) },
    ],
    { format: "pt" },
  );
  const st = SafetensorsFile.open(file);
  assert.deepEqual(st.metadata, { format: "pt" });
  assert.deepEqual(st.names(), ["a", "b", "c", "scalar"]);
  assert.deepEqual(st.info("c"), { name: "c", dtype: "BF16", shape: [3, 2] });
  assert.deepEqual(new Float32Array(st.readBytes("a").buffer), values);
  assert.deepEqual(
    Array.from(new Uint16Array(st.readBytes("b").buffer)),
    [0, 0x3c00, 0xc100, 0x4248, 0x7bff, 0x9419],
  );
  assert.deepEqual(
    Array.from(new Uint16Array(st.readBytes("c").buffer)),
    [0, 0x3f80, 0xc020, 0x4049, 0x4780, 0xba83],
  );
  assert.deepEqual(new Float32Array(st.readBytes("scalar").buffer), new Float32Array([7]));
  st.close();
});

test("writer output is deterministic, 8-byte aligned and space padded", () => {
  const dir = tmp();
  const tensors = [{ name: "w", dtype: "BF16" as const, shape: [3], data: new Float32Array([1, 2, 3]) }];
  writeSafetensors(path.join(dir, "1.safetensors"), tensors);
  writeSafetensors(path.join(dir, "2.safetensors"), tensors);
  const a = fs.readFileSync(path.join(dir, "1.safetensors"));
  assert.deepEqual(a, fs.readFileSync(path.join(dir, "2.safetensors")));
  const n = Number(a.readBigUInt64LE(0));
  assert.equal(n % 8, 0);
  const header = a.subarray(8, 8 + n).toString("utf8");
  assert.equal(header, `${'{"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}}'.padEnd(n, " ")}`);
  assert.equal(a.length, 8 + n + 6);
});

test("writer rejects a value count that does not match the shape", () => {
  const file = path.join(tmp(), "t.safetensors");
  assert.throws(
    () => writeSafetensors(file, [{ name: "w", dtype: "F32", shape: [2, 2], data: new Float32Array(3) }]),
    /tensor "w" has 3 values but shape \[2,2\] needs 4/,
  );
});

test("truncated file: shorter than the 8-byte header length", () => {
  const file = path.join(tmp(), "short.safetensors");
  fs.writeFileSync(file, Buffer.from([1, 2, 3]));
  assertOpenFails(file, /truncated file: 3 bytes/);
});

test("truncated file: data section cut short", () => {
  const file = path.join(tmp(), "t.safetensors");
  writeSafetensors(file, [{ name: "w", dtype: "F32", shape: [4], data: new Float32Array(4) }]);
  fs.truncateSync(file, fs.statSync(file).size - 4);
  assertOpenFails(
    file,
    /tensor "w": data_offsets \[0, 16\] out of range: the data section has only 12 bytes \(truncated file\?\)/,
    "w",
  );
});

test("header length larger than the file", () => {
  const file = path.join(tmp(), "t.safetensors");
  const buf = Buffer.alloc(20);
  buf.writeBigUInt64LE(1000n);
  fs.writeFileSync(file, buf);
  assertOpenFails(file, /header length 1000 is larger than the file \(20 bytes/);
});

test("__metadata__ must map strings to strings", () => {
  assertOpenFails(
    rawFile({ __metadata__: { format: 1 } }),
    /__metadata__ is not an object of strings/,
    "__metadata__",
  );
});

test("header not JSON", () => {
  assertOpenFails(rawFile(null, 0, "{not json"), /header is not valid JSON/);
  assertOpenFails(rawFile([1, 2]), /header is not a JSON object/);
});

test("offsets out of range", () => {
  assertOpenFails(
    rawFile({ w: { dtype: "F32", shape: [1], data_offsets: [8, 4] } }, 8),
    /tensor "w": data_offsets \[8, 4\] out of range: begin is after end/,
    "w",
  );
  assertOpenFails(
    rawFile({ w: { dtype: "F32", shape: [1], data_offsets: [100, 104] } }, 8),
    /tensor "w": data_offsets \[100, 104\] out of range: the data section has only 8 bytes/,
    "w",
  );
  assertOpenFails(
    rawFile({ w: { dtype: "F32", shape: [1], data_offsets: [0] } }, 8),
    /tensor "w": data_offsets \[0\] is not a pair of non-negative integers/,
  );
});

test("overlapping offsets", () => {
  const header = {
    a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
    b: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
  };
  assertOpenFails(rawFile(header, 12), /tensors "a" and "b" have overlapping data_offsets/, "b");
});

test("unknown dtype", () => {
  assertOpenFails(
    rawFile({ w: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, 8),
    /tensor "w": unknown dtype "I64", expected one of F32, F16, BF16/,
    "w",
  );
});

test("shape / byte-size mismatch", () => {
  assertOpenFails(
    rawFile({ w: { dtype: "BF16", shape: [2, 3], data_offsets: [0, 8] } }, 8),
    /tensor "w": shape \[2,3\] of BF16 needs 12 bytes but data_offsets span 8/,
    "w",
  );
  assertOpenFails(
    rawFile({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4),
    /tensor "w": shape \[-1\] is not a list of non-negative integers/,
  );
});

test("unknown tensor name and reads after close", () => {
  const file = path.join(tmp(), "t.safetensors");
  writeSafetensors(file, [{ name: "w", dtype: "F32", shape: [1], data: new Float32Array(1) }]);
  const st = SafetensorsFile.open(file);
  assert.throws(
    () => st.info("nope"),
    (err: unknown) =>
      err instanceof CheckpointError && err.field === "nope" && /no tensor named "nope"/.test(err.message),
  );
  st.close();
  assert.throws(() => st.readBytes("w"), /already closed/);
});

test("missing file", () => {
  assert.throws(() => SafetensorsFile.open("/nonexistent/x.safetensors"), /cannot open safetensors file/);
});
