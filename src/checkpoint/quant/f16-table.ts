/** @module All 65536 f16 values as f32, so hot dequantisation loops decode a scale with one lookup. */
import { f16ToF32 } from "../float-convert.js";

export const F16_TABLE: Float32Array = f16ToF32(Uint16Array.from({ length: 65536 }, (_, h) => h));
