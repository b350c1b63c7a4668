/**
 * @module The libmtmd functions Rio calls to encode images, declared through koffi from tools/mtmd/mtmd.h
 * of the pinned commit. Pointers (context, bitmap, chunks, chunk, image tokens) are opaque koffi
 * externals; the model pointer is the `llama_model *` of the already loaded libllama.
 */
import koffi from "koffi";
import { MtmdContextParams, MtmdDecoderPos, MtmdInputText } from "./structs.js";

/** ggml_log_callback: void (*)(enum ggml_log_level level, const char * text, void * user_data). */
export const MtmdLogCallback = koffi.proto(
  "void rio_mtmd_log_callback(int level, const char *text, void *user_data)",
);

/**
 * Loads libmtmd from `path` and binds its C API. libllama and libggml must already be loaded (loadLlama):
 * libmtmd names them as DT_NEEDED and the dynamic loader reuses the loaded copies.
 */
export function bindMtmd(path: string) {
  const lib = koffi.load(path);
  return {
    mtmd_default_marker: lib.func("const char *mtmd_default_marker()"),
    mtmd_context_params_default: lib.func("mtmd_context_params_default", MtmdContextParams, []),
    mtmd_log_set: lib.func("mtmd_log_set", "void", [koffi.pointer(MtmdLogCallback), "void *"]),

    // context
    mtmd_init_from_file: lib.func("mtmd_init_from_file", "void *", [
      "const char *",
      "void *", // const llama_model *
      MtmdContextParams,
    ]),
    mtmd_free: lib.func("void mtmd_free(void *ctx)"),
    mtmd_support_vision: lib.func("bool mtmd_support_vision(void *ctx)"),
    mtmd_decode_use_mrope: lib.func("bool mtmd_decode_use_mrope(void *ctx)"),

    // bitmaps (RGB, nx * ny * 3 bytes, copied by mtmd_bitmap_init)
    mtmd_bitmap_init: lib.func("void *mtmd_bitmap_init(uint32_t nx, uint32_t ny, const uint8_t *data)"),
    mtmd_bitmap_free: lib.func("void mtmd_bitmap_free(void *bitmap)"),
    // two adjacent mergeable bitmaps of one size become one chunk (a Qwen-VL temporal group)
    mtmd_bitmap_set_mergeable: lib.func("void mtmd_bitmap_set_mergeable(void *bitmap, bool mergeable)"),

    // tokenize into chunks
    mtmd_input_chunks_init: lib.func("void *mtmd_input_chunks_init()"),
    mtmd_input_chunks_size: lib.func("size_t mtmd_input_chunks_size(void *chunks)"),
    mtmd_input_chunks_get: lib.func("void *mtmd_input_chunks_get(void *chunks, size_t idx)"),
    mtmd_input_chunks_free: lib.func("void mtmd_input_chunks_free(void *chunks)"),
    mtmd_tokenize: lib.func("mtmd_tokenize", "int32_t", [
      "void *", // const mtmd_context *
      "void *", // mtmd_input_chunks * (output)
      koffi.pointer(MtmdInputText),
      koffi.pointer("void *"), // const mtmd_bitmap * const * bitmaps
      "size_t",
    ]),

    // one chunk
    mtmd_input_chunk_get_type: lib.func("int mtmd_input_chunk_get_type(void *chunk)"),
    mtmd_input_chunk_get_tokens_image: lib.func("void *mtmd_input_chunk_get_tokens_image(void *chunk)"),
    mtmd_input_chunk_get_n_tokens: lib.func("size_t mtmd_input_chunk_get_n_tokens(void *chunk)"),
    mtmd_input_chunk_get_n_pos: lib.func("int32_t mtmd_input_chunk_get_n_pos(void *chunk)"),
    mtmd_image_tokens_get_decoder_pos: lib.func("mtmd_image_tokens_get_decoder_pos", MtmdDecoderPos, [
      "void *", // const mtmd_image_tokens *
      "int32_t", // llama_pos pos_0
      "size_t", // token index
    ]),

    // encode
    mtmd_encode_chunk: lib.func("int32_t mtmd_encode_chunk(void *ctx, void *chunk)"),
    mtmd_get_output_embd: lib.func("float *mtmd_get_output_embd(void *ctx)"),
  };
}

/** The bound API type. */
export type MtmdApi = ReturnType<typeof bindMtmd>;
