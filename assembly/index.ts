// The WebAssembly module Rio builds from this folder: SIMD kernels for the per-step work that JavaScript
// does too slowly (see each file). Loaded by src/kernels/.
export * from "./logits";
export * from "./mixture";
