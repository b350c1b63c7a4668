/**
 * @module The llama.cpp / ggml functions Rio calls, declared through koffi from llama.h and
 * ggml-backend.h of the pinned release. Nothing here holds state beyond the library handles.
 */
import koffi from "koffi";
import {
  GgmlThreadpoolParams,
  GgmlTypeTraits,
  LlamaBatch,
  LlamaContextParams,
  LlamaModelParams,
  LlamaModelQuantizeParams,
  LlamaTokenDataArray,
} from "./structs.js";

/** ggml_log_callback: void (*)(enum ggml_log_level level, const char * text, void * user_data). */
export const LogCallback = koffi.proto(
  "void rio_ggml_log_callback(int level, const char *text, void *user_data)",
);

/** ggml_threadpool_new and ggml_threadpool_free, reached through the CPU backend's proc-address table. */
export const ThreadpoolNew = koffi.proto("void *rio_ggml_threadpool_new(ggml_threadpool_params *params)");
export const ThreadpoolFree = koffi.proto("void rio_ggml_threadpool_free(void *threadpool)");

/** ggml_backend_dev_get_extra_bufts_t: the CPU device's NULL-terminated list of extra weight buffer types. */
export const GetExtraBufts = koffi.proto("void *rio_ggml_get_extra_bufts(void *device)");

/** ggml_to_float_t: void (*)(const void * x, float * y, int64_t k), a type's reference dequantiser. */
export const ToFloat = koffi.proto("void rio_ggml_to_float(const void *x, float *y, int64_t k)");

/** The bound C API. Pointers (model, context, memory, vocab) are opaque koffi externals. */
export function bindLibraries(ggmlPath: string, llamaPath: string) {
  const ggml = koffi.load(ggmlPath);
  const llama = koffi.load(llamaPath);
  const logCallbackPtr = koffi.pointer(LogCallback);
  return {
    // ggml: backends and devices
    ggml_backend_load_all_from_path: ggml.func("void ggml_backend_load_all_from_path(const char *dir)"),
    ggml_backend_load: ggml.func("void *ggml_backend_load(const char *path)"),
    ggml_backend_dev_count: ggml.func("size_t ggml_backend_dev_count()"),
    ggml_backend_dev_get: ggml.func("void *ggml_backend_dev_get(size_t index)"),
    ggml_backend_dev_type: ggml.func("int ggml_backend_dev_type(void *device)"),
    ggml_backend_dev_name: ggml.func("const char *ggml_backend_dev_name(void *device)"),
    ggml_backend_dev_description: ggml.func("const char *ggml_backend_dev_description(void *device)"),
    ggml_backend_dev_buffer_type: ggml.func("void *ggml_backend_dev_buffer_type(void *device)"),
    ggml_backend_buft_name: ggml.func("const char *ggml_backend_buft_name(void *buft)"),
    ggml_backend_register: ggml.func("void ggml_backend_register(void *reg)"),
    ggml_backend_reg_dev_count: ggml.func("size_t ggml_backend_reg_dev_count(void *reg)"),
    ggml_backend_reg_by_name: ggml.func("void *ggml_backend_reg_by_name(const char *name)"),
    ggml_backend_reg_get_proc_address: ggml.func(
      "void *ggml_backend_reg_get_proc_address(void *reg, const char *name)",
    ),
    ggml_threadpool_params_init: ggml.func("ggml_threadpool_params_init", "void", [
      koffi.out(koffi.pointer(GgmlThreadpoolParams)),
      "int",
    ]),

    ggml_get_type_traits: ggml.func("ggml_get_type_traits", koffi.pointer(GgmlTypeTraits), ["int"]),

    // llama: process-wide
    llama_backend_init: llama.func("void llama_backend_init()"),
    llama_log_set: llama.func("llama_log_set", "void", [logCallbackPtr, "void *"]),
    llama_print_system_info: llama.func("const char *llama_print_system_info()"),
    llama_max_parallel_sequences: llama.func("size_t llama_max_parallel_sequences()"),
    llama_max_devices: llama.func("size_t llama_max_devices()"),
    llama_max_tensor_buft_overrides: llama.func("size_t llama_max_tensor_buft_overrides()"),
    llama_model_default_params: llama.func("llama_model_default_params", LlamaModelParams, []),
    llama_context_default_params: llama.func("llama_context_default_params", LlamaContextParams, []),

    // model
    llama_model_load_from_file: llama.func("llama_model_load_from_file", "void *", [
      "const char *",
      LlamaModelParams,
    ]),
    llama_model_free: llama.func("void llama_model_free(void *model)"),
    llama_model_quantize_default_params: llama.func(
      "llama_model_quantize_default_params",
      LlamaModelQuantizeParams,
      [],
    ),
    llama_model_quantize: llama.func("llama_model_quantize", "uint32_t", [
      "const char *",
      "const char *",
      koffi.pointer(LlamaModelQuantizeParams),
    ]),
    llama_model_get_vocab: llama.func("void *llama_model_get_vocab(void *model)"),
    llama_model_n_ctx_train: llama.func("int32_t llama_model_n_ctx_train(void *model)"),
    llama_model_n_embd: llama.func("int32_t llama_model_n_embd(void *model)"),
    llama_model_n_embd_inp: llama.func("int32_t llama_model_n_embd_inp(void *model)"),
    llama_model_n_layer: llama.func("int32_t llama_model_n_layer(void *model)"),
    llama_model_size: llama.func("uint64_t llama_model_size(void *model)"),
    llama_model_is_recurrent: llama.func("bool llama_model_is_recurrent(void *model)"),
    llama_model_is_hybrid: llama.func("bool llama_model_is_hybrid(void *model)"),
    llama_model_meta_val_str: llama.func(
      "int32_t llama_model_meta_val_str(void *model, const char *key, _Out_ uint8_t *buf, size_t buf_size)",
    ),
    llama_vocab_n_tokens: llama.func("int32_t llama_vocab_n_tokens(void *vocab)"),
    llama_tokenize: llama.func(
      "int32_t llama_tokenize(void *vocab, const uint8_t *text, int32_t text_len, _Out_ int32_t *tokens, int32_t n_tokens_max, bool add_special, bool parse_special)",
    ),
    llama_token_to_piece: llama.func(
      "int32_t llama_token_to_piece(void *vocab, int32_t token, _Out_ uint8_t *buf, int32_t length, int32_t lstrip, bool special)",
    ),

    // grammar sampler (the only llama.cpp sampler Rio uses: it vetoes tokens, Rio samples)
    llama_sampler_init_grammar: llama.func(
      "void *llama_sampler_init_grammar(void *vocab, const char *grammar_str, const char *grammar_root)",
    ),
    llama_sampler_apply: llama.func("llama_sampler_apply", "void", [
      "void *",
      koffi.pointer(LlamaTokenDataArray),
    ]),
    llama_sampler_accept: llama.func("void llama_sampler_accept(void *smpl, int32_t token)"),
    llama_sampler_free: llama.func("void llama_sampler_free(void *smpl)"),

    // context, batch, decode, memory
    llama_init_from_model: llama.func("llama_init_from_model", "void *", ["void *", LlamaContextParams]),
    llama_free: llama.func("void llama_free(void *ctx)"),
    llama_attach_threadpool: llama.func("void llama_attach_threadpool(void *ctx, void *tp, void *tp_batch)"),
    llama_n_ctx: llama.func("uint32_t llama_n_ctx(void *ctx)"),
    llama_batch_init: llama.func("llama_batch_init", LlamaBatch, ["int32_t", "int32_t", "int32_t"]),
    llama_batch_free: llama.func("llama_batch_free", "void", [LlamaBatch]),
    llama_decode: llama.func("llama_decode", "int32_t", ["void *", LlamaBatch]),
    llama_get_logits: llama.func("float *llama_get_logits(void *ctx)"),
    llama_get_logits_ith: llama.func("float *llama_get_logits_ith(void *ctx, int32_t i)"),
    llama_get_memory: llama.func("void *llama_get_memory(void *ctx)"),
    llama_memory_clear: llama.func("void llama_memory_clear(void *mem, bool data)"),
    llama_memory_seq_rm: llama.func(
      "bool llama_memory_seq_rm(void *mem, int32_t seq_id, int32_t p0, int32_t p1)",
    ),
    llama_memory_seq_pos_max: llama.func("int32_t llama_memory_seq_pos_max(void *mem, int32_t seq_id)"),
    llama_memory_seq_cp: llama.func(
      "void llama_memory_seq_cp(void *mem, int32_t seq_id_src, int32_t seq_id_dst, int32_t p0, int32_t p1)",
    ),
  };
}

/** The bound API type. */
export type LlamaApi = ReturnType<typeof bindLibraries>;
