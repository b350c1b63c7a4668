/**
 * @module The C structs of tools/mtmd/mtmd.h, written field for field from the header at the pinned
 * llama.cpp commit (MTMD_BINDING_COMMIT), plus the self-check that proves the built library agrees:
 * sizes counted by hand from the header and default values read back from mtmd_context_params_default().
 * C enums are `int` on every ABI Rio targets.
 */
import koffi, { type TypeObject } from "koffi";
import { VisionError } from "../errors.js";
import { MTMD_BINDING_COMMIT } from "./mtmd-source.js";

/** mtmd_context_params (mtmd.h). */
export const MtmdContextParams = koffi.struct("mtmd_context_params", {
  use_gpu: "bool",
  device: "void *", // ggml_backend_dev_t
  print_timings: "bool",
  n_threads: "int",
  image_marker: "const char *", // deprecated: must stay NULL (mtmd_context throws otherwise)
  media_marker: "const char *",
  flash_attn_type: "int", // enum llama_flash_attn_type
  warmup: "bool",
  image_min_tokens: "int",
  image_max_tokens: "int",
  cb_eval: "void *",
  cb_eval_user_data: "void *",
  batch_max_tokens: "int32_t",
  progress_callback: "void *",
  progress_callback_user_data: "void *",
});

/** mtmd_input_text (mtmd.h): the prompt given to mtmd_tokenize. */
export const MtmdInputText = koffi.struct("mtmd_input_text", {
  text: "const char *",
  text_len: "size_t",
  add_special: "bool",
  parse_special: "bool",
});

/** mtmd_decoder_pos (mtmd.h), returned by value by mtmd_image_tokens_get_decoder_pos. */
export const MtmdDecoderPos = koffi.struct("mtmd_decoder_pos", {
  t: "uint32_t",
  x: "uint32_t",
  y: "uint32_t",
  z: "uint32_t", // reserved
});

/** mtmd_input_chunk_type (mtmd.h). */
export const CHUNK_TYPE = { TEXT: 0, IMAGE: 1, AUDIO: 2 } as const;

/** mtmd_context_params as koffi decodes it. */
export interface ContextParams {
  use_gpu: boolean;
  device: unknown;
  print_timings: boolean;
  n_threads: number;
  image_marker: string | null;
  media_marker: string | null;
  flash_attn_type: number;
  warmup: boolean;
  image_min_tokens: number;
  image_max_tokens: number;
  cb_eval: unknown;
  cb_eval_user_data: unknown;
  batch_max_tokens: number;
  progress_callback: unknown;
  progress_callback_user_data: unknown;
}

/** mtmd_decoder_pos as koffi decodes it. */
export interface DecoderPos {
  t: number;
  x: number;
  y: number;
  z: number;
}

/** What mtmd_default_marker() returns at the pinned commit. */
export const DEFAULT_MARKER = "<__media__>";

/** Sizes on LP64 (x86-64 / arm64 Linux), counted from the header. */
const EXPECTED_SIZES: [string, TypeObject, number][] = [
  // bool@0 ptr@8 bool@16 int@20 ptr@24 ptr@32 int@40 bool@44 int@48 int@52 ptr@56 ptr@64 int@72 ptr@80 ptr@88
  ["mtmd_context_params", MtmdContextParams, 96],
  ["mtmd_input_text", MtmdInputText, 24],
  ["mtmd_decoder_pos", MtmdDecoderPos, 16],
];

/** Defaults set by mtmd_context_params_default() at the pinned commit (tools/mtmd/mtmd.cpp). */
const CONTEXT_DEFAULTS: Record<string, number | boolean | string | null> = {
  use_gpu: true,
  device: null,
  print_timings: true,
  n_threads: 4,
  image_marker: null,
  media_marker: DEFAULT_MARKER,
  flash_attn_type: -1, // LLAMA_FLASH_ATTN_TYPE_AUTO
  warmup: true,
  image_min_tokens: -1, // read from the mmproj's metadata
  image_max_tokens: -1,
  cb_eval: null,
  cb_eval_user_data: null,
  batch_max_tokens: 1024,
  progress_callback: null,
  progress_callback_user_data: null,
};

function mismatch(what: string, expected: unknown, got: unknown): VisionError {
  return new VisionError(
    `libmtmd struct layout mismatch: ${what} expected ${JSON.stringify(expected)} got ${JSON.stringify(got)}; ` +
      `Rio's binding is written for tools/mtmd/mtmd.h of llama.cpp ${MTMD_BINDING_COMMIT}`,
    "layout-mismatch",
  );
}

/**
 * Throws a "layout-mismatch" VisionError unless the struct sizes, the default marker and the library's
 * default mtmd_context_params are exactly those of the pinned commit: a shifted field shows up as a
 * wrong default long before it corrupts a call.
 */
export function checkMtmdLayouts(marker: string, defaults: ContextParams): void {
  for (const [name, type, size] of EXPECTED_SIZES) {
    const got = koffi.sizeof(type);
    if (got !== size) throw mismatch(`sizeof(${name})`, size, got);
  }
  if (marker !== DEFAULT_MARKER) throw mismatch("mtmd_default_marker()", DEFAULT_MARKER, marker);
  const got = defaults as unknown as Record<string, unknown>;
  for (const [field, want] of Object.entries(CONTEXT_DEFAULTS))
    if (got[field] !== want) throw mismatch(`field mtmd_context_params.${field}`, want, got[field] ?? null);
}
