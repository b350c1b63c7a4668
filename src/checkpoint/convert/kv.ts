/** @module Short constructors for typed GGUF metadata entries, so rule files read as key/value tables. */
import type { GgufKv, GgufScalarType } from "../gguf/index.js";

export const u32 = (key: string, value: number): GgufKv => ({ key, value: { type: "uint32", value } });
export const f32 = (key: string, value: number): GgufKv => ({ key, value: { type: "float32", value } });
export const str = (key: string, value: string): GgufKv => ({ key, value: { type: "string", value } });
export const bool = (key: string, value: boolean): GgufKv => ({ key, value: { type: "bool", value } });
export const arr = (key: string, itemType: GgufScalarType, value: (number | string | boolean)[]): GgufKv => ({
  key,
  value: { type: "array", itemType, value },
});
