/**
 * @module GGUF v3 vocabulary: ggml tensor types with their block layout, metadata value types, and the
 * in-memory shapes of a GGUF file. Numbers follow ggml.h / gguf-py constants.py of the pinned llama.cpp.
 */

/** ggml tensor type ids (ggml.h `enum ggml_type`). */
export const GgmlType = {
  F32: 0,
  F16: 1,
  Q4_0: 2,
  Q4_1: 3,
  Q5_0: 6,
  Q5_1: 7,
  Q8_0: 8,
  Q8_1: 9,
  Q2_K: 10,
  Q3_K: 11,
  Q4_K: 12,
  Q5_K: 13,
  Q6_K: 14,
  Q8_K: 15,
  IQ2_XXS: 16,
  IQ2_XS: 17,
  IQ3_XXS: 18,
  IQ1_S: 19,
  IQ4_NL: 20,
  IQ3_S: 21,
  IQ2_S: 22,
  IQ4_XS: 23,
  I8: 24,
  I16: 25,
  I32: 26,
  I64: 27,
  F64: 28,
  IQ1_M: 29,
  BF16: 30,
  TQ1_0: 34,
  TQ2_0: 35,
  MXFP4: 39,
} as const;
export type GgmlType = (typeof GgmlType)[keyof typeof GgmlType];

const QK_K = 256;
/** [elements per block, bytes per block] for every type the reader can size (GGML_QUANT_SIZES). */
const BLOCK_LAYOUT: Record<number, readonly [number, number]> = {
  [GgmlType.F32]: [1, 4],
  [GgmlType.F16]: [1, 2],
  [GgmlType.BF16]: [1, 2],
  [GgmlType.F64]: [1, 8],
  [GgmlType.I8]: [1, 1],
  [GgmlType.I16]: [1, 2],
  [GgmlType.I32]: [1, 4],
  [GgmlType.I64]: [1, 8],
  [GgmlType.Q4_0]: [32, 18],
  [GgmlType.Q4_1]: [32, 20],
  [GgmlType.Q5_0]: [32, 22],
  [GgmlType.Q5_1]: [32, 24],
  [GgmlType.Q8_0]: [32, 34],
  [GgmlType.Q8_1]: [32, 40],
  [GgmlType.IQ4_NL]: [32, 18],
  [GgmlType.MXFP4]: [32, 17],
  [GgmlType.Q2_K]: [QK_K, 4 + QK_K / 16 + QK_K / 4],
  [GgmlType.Q3_K]: [QK_K, 2 + QK_K / 4 + QK_K / 8 + 12],
  [GgmlType.Q4_K]: [QK_K, 4 + QK_K / 2 + 12],
  [GgmlType.Q5_K]: [QK_K, 4 + QK_K / 2 + QK_K / 8 + 12],
  [GgmlType.Q6_K]: [QK_K, 2 + QK_K / 2 + QK_K / 4 + QK_K / 16],
  [GgmlType.Q8_K]: [QK_K, 4 + QK_K + QK_K / 8],
  [GgmlType.IQ2_XXS]: [QK_K, 2 + QK_K / 4],
  [GgmlType.IQ2_XS]: [QK_K, 2 + QK_K / 4 + QK_K / 32],
  [GgmlType.IQ3_XXS]: [QK_K, 2 + QK_K / 4 + QK_K / 8],
  [GgmlType.IQ1_S]: [QK_K, 2 + QK_K / 8 + QK_K / 16],
  [GgmlType.IQ3_S]: [QK_K, 2 + QK_K / 4 + QK_K / 8 + QK_K / 32 + 4],
  [GgmlType.IQ2_S]: [QK_K, 2 + QK_K / 4 + QK_K / 16],
  [GgmlType.IQ4_XS]: [QK_K, 4 + QK_K / 2 + QK_K / 64],
  [GgmlType.IQ1_M]: [QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32],
  [GgmlType.TQ1_0]: [QK_K, 2 + 4 * 13],
  [GgmlType.TQ2_0]: [QK_K, 2 + 64],
};

/** Name of a ggml type id ("Q8_0"), or undefined for ids this build does not know. */
export function ggmlTypeName(type: number): string | undefined {
  return Object.entries(GgmlType).find(([, id]) => id === type)?.[0];
}

/** Block layout of a ggml type, or undefined when unknown. */
export function ggmlBlockLayout(type: number): { blockSize: number; typeSize: number } | undefined {
  const layout = BLOCK_LAYOUT[type];
  return layout && { blockSize: layout[0], typeSize: layout[1] };
}

/** Bytes taken by `count` elements of `type`; throws when count is not a whole number of blocks. */
export function ggmlByteSize(type: GgmlType, count: number): number {
  const layout = ggmlBlockLayout(type);
  if (!layout) throw new Error(`unknown ggml type ${type}`);
  if (count % layout.blockSize !== 0) {
    throw new Error(`${ggmlTypeName(type)} needs a multiple of ${layout.blockSize} elements, got ${count}`);
  }
  return (count / layout.blockSize) * layout.typeSize;
}

/** GGUF metadata value type ids (gguf.h `enum gguf_type`). */
export const GgufValueType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;
export type GgufScalarType = Exclude<keyof typeof GgufValueType, "array">;

/** One scalar value as JS holds it: 64-bit integers are bigint, the other numbers are number. */
export type GgufScalar = number | bigint | boolean | string;

/** A typed metadata value; arrays are homogeneous and not nested. */
export type GgufValue =
  | { type: GgufScalarType; value: GgufScalar }
  | { type: "array"; itemType: GgufScalarType; value: GgufScalar[] };

/** A metadata entry as written: key plus typed value. */
export interface GgufKv {
  key: string;
  value: GgufValue;
}

/** A tensor's directory entry; `dims` are in ggml order (PyTorch shape reversed), `offset` is relative to dataOffset. */
export interface GgufTensorInfo {
  name: string;
  type: GgmlType;
  dims: number[];
  offset: number;
  nbytes: number;
}

/** A parsed GGUF file: header and directory only, tensor data stays on disk. */
export interface GgufFile {
  path: string;
  version: number;
  alignment: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Absolute file offset of the tensor data section. */
  dataOffset: number;
  fileSize: number;
}

/** Default and fallback data alignment (GGUF_DEFAULT_ALIGNMENT). */
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian uint32
