/**
 * @module openCheckpoint: a Hugging Face folder (config.json plus one .safetensors file, or shards listed
 * in model.safetensors.index.json) seen as one lazily read set of named tensors.
 *
 * Names are canonical text-model names: Qwen3.5 multimodal checkpoints store the text model under
 * `model.language_model.*`; it is presented as `model.*` (as llama.cpp's converter does), so every
 * architecture uses the same names. The stored name is accepted too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTextConfig } from "./config.js";
import { CheckpointError } from "./errors.js";
import { bf16ToF32, f16ToF32 } from "./float-convert.js";
import type { TensorInfo } from "./safetensors-format.js";
import { SafetensorsFile } from "./safetensors-read.js";
import type { TextConfig } from "./text-config.js";

/** A checkpoint folder: its text config and its tensors, read on demand. */
export interface Checkpoint {
  readonly dir: string;
  readonly config: TextConfig;
  /** canonical tensor names, in file order */
  tensorNames(): string[];
  info(name: string): TensorInfo;
  /** values converted to float32; throws CheckpointError for an unknown name */
  readFloat32(name: string): Float32Array;
  /** stored little-endian bytes, with the tensor's canonical info */
  readRaw(name: string): { info: TensorInfo; bytes: Uint8Array };
  close(): void;
}

const INDEX_FILE = "model.safetensors.index.json";
const MULTIMODAL_TEXT_PREFIX = "model.language_model.";

/** Maps a stored tensor name to its canonical name. */
export function canonicalTensorName(stored: string): string {
  return stored.startsWith(MULTIMODAL_TEXT_PREFIX)
    ? `model.${stored.slice(MULTIMODAL_TEXT_PREFIX.length)}`
    : stored;
}

/**
 * Opens the checkpoint folder `dir`, validating config.json and every safetensors header up front.
 * @example const ckpt = openCheckpoint("models/qwen3-tiny"); const emb = ckpt.readFloat32("model.embed_tokens.weight");
 */
export function openCheckpoint(dir: string): Checkpoint {
  const config = loadTextConfig(dir);
  const files = new Map<string, SafetensorsFile>();
  try {
    const entries = listTensors(dir, files);
    return new FolderCheckpoint(dir, config, files, entries);
  } catch (err) {
    for (const f of files.values()) f.close();
    throw err;
  }
}

interface Entry {
  stored: string;
  file: SafetensorsFile;
}

function listTensors(dir: string, files: Map<string, SafetensorsFile>): Map<string, Entry> {
  const open = (shard: string) => {
    let file = files.get(shard);
    if (!file) {
      file = SafetensorsFile.open(path.join(dir, shard));
      files.set(shard, file);
    }
    return file;
  };
  const stored: [string, SafetensorsFile][] = [];
  const indexFile = path.join(dir, INDEX_FILE);
  if (fs.existsSync(indexFile)) {
    for (const [name, shard] of readWeightMap(indexFile)) {
      if (!fs.existsSync(path.join(dir, shard))) {
        throw new CheckpointError(
          `${indexFile}: shard "${shard}" (holding "${name}") does not exist`,
          indexFile,
          name,
        );
      }
      const file = open(shard);
      if (!file.has(name)) {
        throw new CheckpointError(
          `${file.file}: no tensor "${name}", which ${INDEX_FILE} places there`,
          file.file,
          name,
        );
      }
      stored.push([name, file]);
    }
  } else {
    const shards = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith(".safetensors"))
          .sort()
      : [];
    if (shards.length === 0) {
      throw new CheckpointError(`${dir}: no .safetensors file and no ${INDEX_FILE}`, dir);
    }
    for (const shard of shards) {
      const file = open(shard);
      for (const name of file.names()) stored.push([name, file]);
    }
  }
  const entries = new Map<string, Entry>();
  for (const [name, file] of stored) {
    const canonical = canonicalTensorName(name);
    const prior = entries.get(canonical);
    if (prior) {
      throw new CheckpointError(
        `${file.file}: tensor "${name}" duplicates "${prior.stored}" in ${prior.file.file}`,
        file.file,
        name,
      );
    }
    entries.set(canonical, { stored: name, file });
  }
  return entries;
}

function readWeightMap(indexFile: string): [string, string][] {
  let index: unknown;
  try {
    index = JSON.parse(fs.readFileSync(indexFile, "utf8"));
  } catch (err) {
    throw new CheckpointError(`${indexFile}: cannot read index (${(err as Error).message})`, indexFile);
  }
  const map = (index as { weight_map?: unknown })?.weight_map;
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    throw new CheckpointError(
      `${indexFile}: field "weight_map": expected an object of tensor -> shard file`,
      indexFile,
      "weight_map",
    );
  }
  const pairs = Object.entries(map as Record<string, unknown>);
  for (const [name, shard] of pairs) {
    if (typeof shard !== "string" || shard.includes("/") || shard.includes("\\")) {
      throw new CheckpointError(
        `${indexFile}: field "weight_map.${name}": expected a shard file name in this folder (got ${JSON.stringify(shard)})`,
        indexFile,
        `weight_map.${name}`,
      );
    }
  }
  return pairs as [string, string][];
}

class FolderCheckpoint implements Checkpoint {
  private readonly storedToCanonical = new Map<string, string>();

  constructor(
    readonly dir: string,
    readonly config: TextConfig,
    private readonly files: Map<string, SafetensorsFile>,
    private readonly entries: Map<string, Entry>,
  ) {
    for (const [canonical, e] of entries) this.storedToCanonical.set(e.stored, canonical);
  }

  tensorNames(): string[] {
    return [...this.entries.keys()];
  }

  info(name: string): TensorInfo {
    const { canonical, entry } = this.resolve(name);
    return { ...entry.file.info(entry.stored), name: canonical };
  }

  readRaw(name: string): { info: TensorInfo; bytes: Uint8Array } {
    const { entry } = this.resolve(name);
    return { info: this.info(name), bytes: entry.file.readBytes(entry.stored) };
  }

  readFloat32(name: string): Float32Array {
    const { info, bytes } = this.readRaw(name);
    // readBytes returns a fresh buffer at offset 0, so typed views are aligned
    const n = bytes.byteLength / (info.dtype === "F32" ? 4 : 2);
    if (info.dtype === "F32") return new Float32Array(bytes.buffer, bytes.byteOffset, n);
    const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    return info.dtype === "F16" ? f16ToF32(halves) : bf16ToF32(halves);
  }

  close(): void {
    for (const f of this.files.values()) f.close();
  }

  private resolve(name: string): { canonical: string; entry: Entry } {
    const canonical = this.entries.has(name) ? name : this.storedToCanonical.get(name);
    const entry = canonical === undefined ? undefined : this.entries.get(canonical);
    if (canonical === undefined || !entry) {
      throw new CheckpointError(`${this.dir}: no tensor named "${name}" in this checkpoint`, this.dir, name);
    }
    return { canonical, entry };
  }
}
