/**
 * A GGUF with the metadata and tensor directory of a real-sized shape but all-zero weights, for checking
 * what llama.cpp allocates for that shape without converting a real checkpoint: the tokenizer and general
 * keys come from a small converted GGUF, the architecture keys and tensors from the shape's config.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelType } from "../../src/checkpoint/index.js";
import {
  conversionRules,
  FILE_TYPE,
  type GgufFile,
  type GgufKv,
  ggmlByteSize,
  ggufTensorShapes,
  loadTextConfig,
  type Quant,
  tensorType,
  writeGguf,
} from "../../src/checkpoint/index.js";
import { resolveShape, type ShapePreset, tinyConfigJson } from "../../src/checkpoint/tiny/tiny-config.js";

/** Writes `<dir>/config.json` of `arch` with `preset`'s shape and `<dir>/model.gguf` of that shape; returns the GGUF path. */
export function writeShapedGguf(
  base: GgufFile,
  arch: ModelType,
  preset: ShapePreset,
  dir: string,
  quant: Quant,
): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "config.json"),
    JSON.stringify(tinyConfigJson(arch, resolveShape(arch, preset), "bfloat16")),
  );
  const config = loadTextConfig(dir);
  const { architecture, tensors } = ggufTensorShapes(config, dir);
  const rules = conversionRules(config.model_type);
  const shaped = new Set((rules?.metadata(config) ?? []).map((kv) => kv.key));
  const metadata: GgufKv[] = [
    ...[...base.metadata]
      .filter(
        ([key]) => !key.startsWith(`${architecture}.`) && key !== "general.file_type" && !shaped.has(key),
      )
      .map(([key, value]) => ({ key, value })),
    ...(rules?.metadata(config) ?? []),
    { key: "general.file_type", value: { type: "uint32", value: FILE_TYPE[quant] } },
  ];
  const out = path.join(dir, "model.gguf");
  writeGguf(out, {
    metadata,
    tensors: tensors.map(({ name, shape }) => {
      const type = tensorType(quant, shape, name);
      return {
        name,
        type,
        dims: [...shape].reverse(),
        data: () =>
          new Uint8Array(
            ggmlByteSize(
              type,
              shape.reduce((a, b) => a * b, 1),
            ),
          ),
      };
    }),
  });
  return out;
}
