/** @module GGUF v3 files: types, streaming writer, validating lazy reader. */

export { GgufError, ggufMetadataValue, readGguf, readGgufTensor } from "./reader.js";
export * from "./types.js";
export { type GgufTensorSource, writeGguf } from "./writer.js";
