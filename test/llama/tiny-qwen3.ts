/**
 * @module Test fixture: a tiny random-weight `qwen3` GGUF (2 layers, hidden 64, vocab 320) written
 * with the checkpoint layer's GGUF writer. Weights are bf16-exact floats, so the F32 and BF16 files
 * hold the same numbers.
 */
import { GgmlType, type GgufKv, type GgufTensorSource, writeGguf } from "../../src/checkpoint/gguf/index.js";

export const TINY = {
  hidden: 64,
  heads: 4,
  kvHeads: 2,
  headDim: 16,
  ffn: 128,
  layers: 2,
  vocab: 320,
  ctx: 256,
};
export const SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "</think>"];

/** GPT-2 byte-level alphabet: byte -> printable character (bytes_to_unicode). */
function byteAlphabet(): string[] {
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
    out.push(String.fromCodePoint(printable ? b : 256 + extra++));
  }
  return out;
}

/** Vocabulary: 256 byte tokens, 3 merges, the special tokens, then NORMAL padding up to TINY.vocab. */
function vocabulary(): { tokens: string[]; types: number[]; merges: string[] } {
  const tokens = byteAlphabet();
  const merges = ["h e", "l l", "he ll"];
  tokens.push("he", "ll", "hell");
  const types = tokens.map(() => 1);
  for (const s of SPECIAL_TOKENS) {
    tokens.push(s);
    types.push(3); // CONTROL
  }
  while (tokens.length < TINY.vocab) {
    tokens.push(`[PAD${tokens.length}]`);
    types.push(1);
  }
  return { tokens, types, merges };
}

/** Deterministic uniform values in [-scale, scale), rounded down to bf16-exact floats. */
function randomBf16Exact(n: number, seed: number, scale: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 2 * scale;
    bits[i] &= 0xffff0000;
  }
  return out;
}

function tensorBytes(data: Float32Array, type: "f32" | "bf16"): Uint8Array {
  if (type === "f32") return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = bits[i] >>> 16;
  return new Uint8Array(out.buffer);
}

const u32 = (key: string, value: number): GgufKv => ({ key, value: { type: "uint32", value } });
const f32 = (key: string, value: number): GgufKv => ({ key, value: { type: "float32", value } });
const str = (key: string, value: string): GgufKv => ({ key, value: { type: "string", value } });

/**
 * Writes the tiny model to `file` (2-D weights as `weightType`, norms and embeddings F32) and returns
 * the token embedding table (row-major [vocab][hidden]) and the special token ids.
 */
export function writeTinyQwen3(
  file: string,
  opts: { weightType?: "f32" | "bf16"; seed?: number; omit?: string[]; architecture?: string } = {},
) {
  const { hidden, heads, kvHeads, headDim, ffn, layers, vocab, ctx } = TINY;
  const weightType = opts.weightType ?? "f32";
  let seed = opts.seed ?? 1;
  const tensors: GgufTensorSource[] = [];
  const add = (name: string, dims: number[], scale: number, type: "f32" | "bf16" = "f32", offset = 0) => {
    const data = randomBf16Exact(dims[0] * (dims[1] ?? 1), seed++, scale);
    if (offset) for (let i = 0; i < data.length; i++) data[i] += offset;
    tensors.push({
      name,
      dims,
      type: type === "f32" ? GgmlType.F32 : GgmlType.BF16,
      data: tensorBytes(data, type),
    });
    return data;
  };
  const embedding = add("token_embd.weight", [hidden, vocab], 1);
  add("output_norm.weight", [hidden], 0.1, "f32", 1);
  for (let l = 0; l < layers; l++) {
    const w = (n: string) => `blk.${l}.${n}.weight`;
    add(w("attn_norm"), [hidden], 0.1, "f32", 1);
    add(w("attn_q"), [hidden, heads * headDim], 0.2, weightType);
    add(w("attn_k"), [hidden, kvHeads * headDim], 0.2, weightType);
    add(w("attn_v"), [hidden, kvHeads * headDim], 0.2, weightType);
    add(w("attn_output"), [heads * headDim, hidden], 0.2, weightType);
    add(w("attn_q_norm"), [headDim], 0.1, "f32", 1);
    add(w("attn_k_norm"), [headDim], 0.1, "f32", 1);
    add(w("ffn_norm"), [hidden], 0.1, "f32", 1);
    add(w("ffn_gate"), [hidden, ffn], 0.2, weightType);
    add(w("ffn_up"), [hidden, ffn], 0.2, weightType);
    add(w("ffn_down"), [ffn, hidden], 0.2, weightType);
  }
  const { tokens, types, merges } = vocabulary();
  const all: GgufKv[] = [
    str("general.architecture", opts.architecture ?? "qwen3"),
    u32("qwen3.block_count", layers),
    u32("qwen3.context_length", ctx),
    u32("qwen3.embedding_length", hidden),
    u32("qwen3.feed_forward_length", ffn),
    u32("qwen3.attention.head_count", heads),
    u32("qwen3.attention.head_count_kv", kvHeads),
    u32("qwen3.attention.key_length", headDim),
    u32("qwen3.attention.value_length", headDim),
    f32("qwen3.attention.layer_norm_rms_epsilon", 1e-6),
    f32("qwen3.rope.freq_base", 1e6),
    str("tokenizer.ggml.model", "gpt2"),
    str("tokenizer.ggml.pre", "qwen2"),
    { key: "tokenizer.ggml.tokens", value: { type: "array", itemType: "string", value: tokens } },
    { key: "tokenizer.ggml.token_type", value: { type: "array", itemType: "int32", value: types } },
    { key: "tokenizer.ggml.merges", value: { type: "array", itemType: "string", value: merges } },
    u32("tokenizer.ggml.eos_token_id", tokens.indexOf("<|im_end|>")),
    u32("tokenizer.ggml.padding_token_id", tokens.indexOf("<|endoftext|>")),
    { key: "tokenizer.ggml.add_bos_token", value: { type: "bool", value: false } },
  ];
  writeGguf(file, { metadata: all.filter((kv) => !opts.omit?.includes(kv.key)), tensors });
  const ids = Object.fromEntries(SPECIAL_TOKENS.map((s) => [s, tokens.indexOf(s)]));
  return { embedding, ids, tokens };
}
