/**
 * @module The CPU backend's extra weight buffer types (ggml stores some weights in layouts of its own:
 * "CPU_REPACK" interleaves quantised blocks for wider SIMD, "AMX" tiles them for Intel's matrix units),
 * and which models may use them.
 *
 * On processors with AMX (Sapphire Rapids and later, llama.cpp's `sapphirerapids` CPU variant), the
 * Gated DeltaNet hybrids (qwen35, qwen35moe, qwen3next) computed wrong logits for every sequence but the
 * first of a batch when the AMX buffer type was in play: with two or more sequences in one
 * llama_decode, the others' log-probs moved by tens of nats (and some came out NaN), for Q8_0 and Q4_0
 * weights alike, while each sequence alone was right. Attention-only models were unaffected, as were
 * the same hybrids on every variant without AMX and with llama.cpp's extra buffer types turned off
 * (use_extra_bufts = false). Moving all weights to the plain CPU buffer type did not cure it, so it is
 * the AMX buffer type's presence rather than one weight's placement; Rio turns the extra buffer types
 * off for hybrids where AMX is one of them (checked by the Q8_0 batch-vs-single conformance test).
 */
import koffi from "koffi";
import { GetExtraBufts, type LlamaApi } from "./ffi.js";
import type { SupportedArchitecture } from "./gguf-check.js";

/** Architectures with Gated DeltaNet layers, whose batches the AMX buffer type breaks (see above). */
const HYBRID_ARCHITECTURES: readonly SupportedArchitecture[] = ["qwen35", "qwen35moe", "qwen3next"];

/**
 * Names of the extra weight buffer types of `cpuDevice` (the CPU backend device's handle), e.g. ["AMX",
 * "CPU_REPACK"]; [] when the CPU backend offers none.
 */
export function cpuExtraBufferTypes(api: LlamaApi, cpuDevice: unknown): string[] {
  const reg = api.ggml_backend_reg_by_name("CPU");
  const fn = reg && api.ggml_backend_reg_get_proc_address(reg, "ggml_backend_dev_get_extra_bufts");
  if (!fn) return [];
  const list = koffi.call(fn, GetExtraBufts, cpuDevice);
  const names: string[] = [];
  for (let i = 0; list; i++) {
    const buft = koffi.decode(list, i * koffi.sizeof("void *"), "void *");
    if (!buft) break;
    names.push(api.ggml_backend_buft_name(buft) as string);
  }
  return names;
}

/**
 * Whether a model of `architecture` may have its weights in the extra buffer types (llama.cpp's
 * use_extra_bufts): not a Gated DeltaNet hybrid where AMX is one of them.
 * @example
 * useExtraBufferTypes("qwen35", ["AMX", "CPU_REPACK"]); // false
 */
export function useExtraBufferTypes(architecture: string, extraBufferTypes: readonly string[]): boolean {
  return !(
    (HYBRID_ARCHITECTURES as readonly string[]).includes(architecture) && extraBufferTypes.includes("AMX")
  );
}
