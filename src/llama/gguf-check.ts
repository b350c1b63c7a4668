/**
 * @module Validates a GGUF file's header in TypeScript before llama.cpp sees it: some malformed files
 * (wrong magic, missing hyper-parameters, an unknown architecture) abort the whole process inside
 * llama.cpp instead of failing cleanly. Only key names and the architecture string are read.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { LlamaError } from "./errors.js";

/** Architectures (general.architecture) Rio runs. */
export const SUPPORTED_ARCHITECTURES = ["qwen3", "qwen3moe", "qwen35", "qwen35moe", "qwen3next"] as const;
export type SupportedArchitecture = (typeof SUPPORTED_ARCHITECTURES)[number];

/** Keys without which llama.cpp fails hard, per architecture (`%s` = the architecture). */
const REQUIRED_KEYS: Record<string, string[]> = {
  common: [
    "%s.block_count",
    "%s.embedding_length",
    "%s.attention.head_count",
    "%s.context_length",
    "tokenizer.ggml.model",
  ],
  qwen3: ["%s.feed_forward_length"],
  qwen35: ["%s.feed_forward_length"],
};

/** GGUF value type ids (gguf.h) -> fixed byte size; 8 = string, 9 = array. */
const FIXED_SIZE: Record<number, number> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};
const STRING = 8;
const ARRAY = 9;

/** A forward-only buffered reader over a file descriptor. */
class Reader {
  private buf = Buffer.alloc(1 << 20);
  private start = 0; // file offset of buf[0]
  private end = 0; // valid bytes in buf
  pos = 0;
  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly file: string,
  ) {}
  /** Makes bytes [pos, pos + n) available in buf; also rejects a position past the end of the file. */
  private need(n: number): void {
    if (this.pos + n > this.size)
      throw new LlamaError(
        `${this.file}: GGUF header truncated at byte ${this.pos}`,
        "bad-model-file",
        this.file,
      );
    if (this.pos >= this.start && this.pos + n <= this.start + this.end) return;
    if (n > this.buf.length) this.buf = Buffer.alloc(n);
    this.start = this.pos;
    this.end = readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos - this.start);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos - this.start);
    this.pos += 8;
    if (v > BigInt(this.size))
      throw new LlamaError(
        `${this.file}: GGUF length ${v} at byte ${this.pos - 8} exceeds the file size`,
        "bad-model-file",
        this.file,
      );
    return Number(v);
  }
  string(): string {
    const n = this.u64();
    this.need(n);
    const s = this.buf.toString("utf8", this.pos - this.start, this.pos - this.start + n);
    this.pos += n;
    return s;
  }
  skip(n: number): void {
    this.pos += n;
    this.need(0);
  }
}

function skipValue(r: Reader, type: number, file: string, key: string): void {
  if (type === STRING) {
    r.skip(r.u64());
    return;
  }
  if (type === ARRAY) {
    const elem = r.u32();
    const count = r.u64();
    if (elem === STRING) for (let i = 0; i < count; i++) r.skip(r.u64());
    else if (FIXED_SIZE[elem] !== undefined) r.skip(count * FIXED_SIZE[elem]);
    else
      throw new LlamaError(
        `${file}: GGUF key ${key} is an array of unknown type ${elem}`,
        "bad-model-file",
        file,
      );
    return;
  }
  const size = FIXED_SIZE[type];
  if (size === undefined)
    throw new LlamaError(`${file}: GGUF key ${key} has unknown value type ${type}`, "bad-model-file", file);
  r.skip(size);
}

/** Reads general.architecture and the metadata key names of a GGUF file; throws "bad-model-file". */
export function inspectGguf(file: string): { version: number; architecture?: string; keys: Set<string> } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new LlamaError(
      `model file ${file} cannot be opened: ${(e as Error).message}`,
      "bad-model-file",
      file,
    );
  }
  try {
    const r = new Reader(fd, statSync(file).size, file);
    if (r.size < 24 || r.u32() !== 0x46554747)
      throw new LlamaError(
        `${file} is not a GGUF file (expected magic "GGUF" at byte 0)`,
        "bad-model-file",
        file,
      );
    const version = r.u32();
    if (version < 2 || version > 3)
      throw new LlamaError(
        `${file}: GGUF version ${version} unsupported (expected 2 or 3)`,
        "bad-model-file",
        file,
      );
    r.u64(); // tensor count
    const nKv = r.u64();
    const keys = new Set<string>();
    let architecture: string | undefined;
    for (let i = 0; i < nKv; i++) {
      const key = r.string();
      const type = r.u32();
      keys.add(key);
      if (key === "general.architecture" && type === STRING) architecture = r.string();
      else skipValue(r, type, file, key);
    }
    return { version, architecture, keys };
  } finally {
    closeSync(fd);
  }
}

/**
 * Throws unless `file` is a GGUF whose architecture Rio supports and that carries the keys llama.cpp
 * needs to load it without aborting.
 */
export function validateGguf(file: string): string {
  const { architecture, keys } = inspectGguf(file);
  if (!architecture)
    throw new LlamaError(`${file}: GGUF metadata lacks general.architecture`, "bad-model-file", file);
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(architecture))
    throw new LlamaError(
      `${file}: general.architecture is "${architecture}"; Rio supports ${SUPPORTED_ARCHITECTURES.join(", ")}`,
      "unsupported-architecture",
      file,
    );
  for (const pattern of [...REQUIRED_KEYS.common, ...(REQUIRED_KEYS[architecture] ?? [])]) {
    const key = pattern.replace("%s", architecture);
    if (!keys.has(key)) throw new LlamaError(`${file}: GGUF metadata lacks ${key}`, "bad-model-file", file);
  }
  return architecture;
}
