/**
 * @module A ggml CPU threadpool that sleeps between decodes. Without one, llama.cpp creates its own with
 * poll level 50: after every graph its workers spin for new work (1024 * 128 * 50 rounds), which on a small
 * machine takes a core from the JavaScript thread exactly while it samples, mixes embeddings and streams.
 * Rio attaches a pool with poll level 0, so a finished decode leaves the cores to JavaScript.
 */
import koffi from "koffi";
import { type LlamaApi, ThreadpoolFree, ThreadpoolNew } from "./ffi.js";
import type { ThreadpoolParams } from "./structs.js";

/** A ggml threadpool owned by one context. */
export class Threadpool {
  private constructor(
    readonly handle: unknown,
    private readonly freeFn: unknown,
  ) {}

  /**
   * A pool of `threads` workers with the given poll level (0: sleep at once), or undefined when this
   * build's CPU backend does not export threadpools (llama.cpp then uses its own).
   */
  static create(api: LlamaApi, threads: number, poll: number): Threadpool | undefined {
    const reg = api.ggml_backend_reg_by_name("CPU");
    if (!reg) return undefined;
    const newFn = api.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new");
    const freeFn = api.ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free");
    if (!newFn || !freeFn) return undefined;
    const params = {} as ThreadpoolParams;
    api.ggml_threadpool_params_init(params, threads); // layout proven at load (checkLayouts)
    params.poll = poll;
    const handle = koffi.call(newFn, ThreadpoolNew, params);
    return handle ? new Threadpool(handle, freeFn) : undefined;
  }

  /** Stops the workers; call after the context using the pool is freed. */
  free(): void {
    koffi.call(this.freeFn, ThreadpoolFree, this.handle);
  }
}
