/**
 * @module What a model occupies, from metadata alone (nothing is loaded): the bytes of every tensor with
 * the layer it belongs to, KV cache bytes per position of each attention layer and recurrent-state bytes
 * per sequence of each linear-attention layer, sized as llama.cpp sizes them (llama-kv-cache.cpp,
 * llama-memory-recurrent.cpp, n_embd_r / n_embd_s in llama-hparams.cpp). From a GGUF file the tensor
 * directory gives exact sizes; from a config.json the tensors Rio's converter would write are typed as
 * the requested quantisation would type them (planned-types.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type GgmlType,
  type GgufFile,
  ggmlByteSize,
  ggufMetadataValue,
  ggufTensorShapes,
  loadTextConfig,
  readGguf,
  type TextConfig,
} from "../checkpoint/index.js";
import { KV_TYPE_LAYOUT, type KvType } from "../llama/index.js";
import { EngineError } from "./errors.js";
import { tensorTyper } from "./planned-types.js";

/** One tensor: its bytes, its layer (undefined for token_embd, output and output_norm) and whether it is an expert. */
export interface TensorFootprint {
  name: string;
  bytes: number;
  layer?: number;
  expert: boolean;
}

/** The memory shape of a model. */
export interface ModelFootprint {
  /** The file or folder read. */
  source: string;
  architecture: string;
  nLayer: number;
  nVocab: number;
  nEmbd: number;
  /** Widest feed-forward per token (dense width, or experts used × expert width + shared expert). */
  nFfActive: number;
  nCtxTrain: number;
  tensors: TensorFootprint[];
  /** Per layer: K and V elements per position (0 for linear-attention layers). */
  kvElements: number[];
  /** Per layer: F32 recurrent-state elements per sequence (0 for attention layers). */
  recurrentElements: number[];
}

/** Bytes of KV cache per position for each layer, in `kvType`. */
export function kvBytesPerPosition(model: ModelFootprint, kvType: KvType): number[] {
  const { values, bytes } = KV_TYPE_LAYOUT[kvType];
  // K and V rows are stored separately, each in whole blocks
  return model.kvElements.map((n) => (n === 0 ? 0 : 2 * Math.ceil(n / 2 / values) * bytes));
}

/** Bytes of recurrent state per sequence for each layer (llama.cpp keeps it in F32). */
export function recurrentBytesPerSequence(model: ModelFootprint): number[] {
  return model.recurrentElements.map((n) => n * 4);
}

const EXPERT = /_(ch|)exps\./;

function layerOf(name: string): number | undefined {
  const m = /^blk\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The footprint of a GGUF file, a Hugging Face folder (its config.json) or a config.json file. */
export function modelFootprint(source: string, quant = "q8_0"): ModelFootprint {
  if (!fs.existsSync(source)) throw new EngineError(`${source} does not exist`);
  if (fs.statSync(source).isDirectory()) return fromConfig(source, loadTextConfig(source), quant);
  if (path.basename(source).endsWith(".json"))
    return fromConfig(source, loadTextConfig(path.dirname(source)), quant);
  return ggufFootprint(readGguf(source));
}

/** The footprint of an opened GGUF file (exact tensor sizes from its directory). */
export function ggufFootprint(gguf: GgufFile): ModelFootprint {
  const arch = String(ggufMetadataValue(gguf, "general.architecture"));
  const meta = (key: string) => ggufMetadataValue(gguf, `${arch}.${key}`);
  const num = (key: string, fallback?: number): number => {
    const value = meta(key);
    if (value === undefined || Array.isArray(value)) {
      if (fallback !== undefined) return fallback;
      throw new EngineError(`${gguf.path}: metadata ${arch}.${key} is missing; expected a number`);
    }
    return Number(value);
  };
  const nLayer = num("block_count");
  const nHead = num("attention.head_count");
  const nEmbd = num("embedding_length");
  const headKv = meta("attention.head_count_kv");
  const headsKv = (il: number) => (Array.isArray(headKv) ? Number(headKv[il]) : Number(headKv ?? nHead));
  const keyLength = num("attention.key_length", nEmbd / nHead);
  const valueLength = num("attention.value_length", nEmbd / nHead);
  const recurrent = recurrentLayers(
    nLayer,
    meta("attention.recurrent_layers"),
    meta("full_attention_interval"),
  );
  const ssm = {
    conv: num("ssm.conv_kernel", 0),
    state: num("ssm.state_size", 0),
    groups: num("ssm.group_count", 0),
    inner: num("ssm.inner_size", 0),
  };
  const expertsUsed = num("expert_used_count", 0);
  const nFfActive =
    expertsUsed > 0
      ? expertsUsed * num("expert_feed_forward_length") + num("expert_shared_feed_forward_length", 0)
      : num("feed_forward_length");
  const vocab = ggufMetadataValue(gguf, "tokenizer.ggml.tokens");
  const embd = gguf.tensors.find((t) => t.name === "token_embd.weight");
  return {
    source: gguf.path,
    architecture: arch,
    nLayer,
    nVocab: Array.isArray(vocab) ? vocab.length : (embd?.dims[1] ?? 0),
    nEmbd,
    nFfActive,
    nCtxTrain: num("context_length", 0),
    tensors: gguf.tensors.map((t) => ({
      name: t.name,
      bytes: t.nbytes,
      layer: layerOf(t.name),
      expert: EXPERT.test(t.name),
    })),
    kvElements: Array.from({ length: nLayer }, (_, il) =>
      recurrent[il] ? 0 : headsKv(il) * (keyLength + valueLength),
    ),
    recurrentElements: recurrent.map((r) =>
      r ? (ssm.conv - 1) * (ssm.inner + 2 * ssm.groups * ssm.state) + ssm.state * ssm.inner : 0,
    ),
  };
}

/** Which layers keep recurrent state (qwen35: every layer but each full_attention_interval-th). */
function recurrentLayers(nLayer: number, explicit: unknown, interval: unknown): boolean[] {
  if (Array.isArray(explicit)) return explicit.map((v) => Boolean(v));
  if (interval === undefined) return new Array(nLayer).fill(false);
  return Array.from({ length: nLayer }, (_, il) => (il + 1) % Number(interval) !== 0);
}

function fromConfig(source: string, config: TextConfig, quant: string): ModelFootprint {
  const { architecture, tensors } = ggufTensorShapes(config, source);
  const typeOf = tensorTyper(quant, config.num_hidden_layers, config.tie_word_embeddings, config.num_experts);
  const c = config;
  const recurrent =
    c.layer_types?.map((t) => t === "linear_attention") ?? new Array(c.num_hidden_layers).fill(false);
  const keyDim = (c.linear_num_key_heads ?? 0) * (c.linear_key_head_dim ?? 0);
  const valueDim = (c.linear_num_value_heads ?? 0) * (c.linear_value_head_dim ?? 0);
  const conv = c.linear_conv_kernel_dim ?? 0;
  const moe = c.num_experts !== undefined;
  return {
    source,
    architecture,
    nLayer: c.num_hidden_layers,
    nVocab: c.vocab_size,
    nEmbd: c.hidden_size,
    nFfActive: moe
      ? (c.num_experts_per_tok ?? 0) * (c.moe_intermediate_size ?? 0) +
        (c.shared_expert_intermediate_size ?? 0)
      : c.intermediate_size,
    nCtxTrain: c.max_position_embeddings,
    tensors: tensors.map((p) => ({
      name: p.name,
      bytes: ggmlByteSize(
        typeOf(p.name, p.shape) as GgmlType,
        p.shape.reduce((a, b) => a * b, 1),
      ),
      layer: layerOf(p.name),
      expert: EXPERT.test(p.name),
    })),
    kvElements: recurrent.map((r) => (r ? 0 : 2 * c.num_key_value_heads * c.head_dim)),
    // conv state: (kernel - 1) columns of the q, k and v channels; delta state: key × value dims per value head
    recurrentElements: recurrent.map((r) =>
      r ? (conv - 1) * (2 * keyDim + valueDim) + (c.linear_key_head_dim ?? 0) * valueDim : 0,
    ),
  };
}
