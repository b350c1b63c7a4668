/**
 * @module reference/decoder
 * The pre-norm decoder loop every Qwen3-family reference shares (HF `*Model.forward`, llama.cpp's
 * per-layer graph): embed -> per layer { x += mixer(norm(x)); x += ffn(norm(x)) } -> norm -> lm_head.
 * Architecture files supply the token mixer, the feed-forward block and the cache layout.
 */
import type { Checkpoint, TextConfig } from "../checkpoint/index.js";
import type { RopePosition } from "./attention.js";
import type { ReferenceCache } from "./cache.js";
import { Capture } from "./capture.js";
import { add, linear, type Matrix, rmsNorm } from "./ops.js";
import { ReferenceWeights } from "./weights.js";

/**
 * Multimodal RoPE positions of a chunk, one entry per input row in each of the three rows (HF
 * `position_ids` of shape (3, seq): temporal, height, width). Text rows have t = h = w.
 */
export interface MRopePositions {
  t: readonly number[];
  h: readonly number[];
  w: readonly number[];
}

/**
 * What one forward pass consumes: token ids, embedding rows of hidden_size (e.g. SwiReasoning
 * mixtures), or per position either (`mixed`, e.g. a prompt whose image tokens are replaced by vision
 * embeddings, as HF `masked_scatter` does). `positions` gives M-RoPE positions (Qwen3.5 only); without
 * it row t sits at cache.position + cache.ropeDelta + t in all three sections.
 */
export type ReferenceInput = (
  | { tokens: number[] }
  | { embeddings: Float64Array[] }
  | { mixed: (number | Float64Array)[] }
) & { positions?: MRopePositions };

export interface ForwardOptions {
  /** Intermediates to return, e.g. `embd`, `L0.attn_norm`, `L3.q_norm`, `final_norm` (see each architecture). */
  capture?: string[];
  /** Compute the logits (default true); false leaves `logits` empty, for callers that want intermediates only. */
  logits?: boolean;
}

export interface ForwardResult {
  /** One row of vocab_size logits per input position. */
  logits: Float64Array[];
  /** Requested intermediates, one row per input position. */
  captured: Map<string, Float64Array[]>;
}

export abstract class DecoderReference {
  readonly config: TextConfig;
  protected readonly w: ReferenceWeights;
  private readonly embed: Matrix;
  private readonly lmHead: Matrix;
  private readonly finalNorm: Float64Array;

  constructor(readonly ckpt: Checkpoint) {
    this.config = ckpt.config;
    this.w = new ReferenceWeights(ckpt);
    const { vocab_size: vocab, hidden_size: hidden } = this.config;
    this.embed = this.w.matrix("model.embed_tokens.weight", vocab, hidden);
    this.lmHead = this.config.tie_word_embeddings
      ? this.embed
      : this.w.matrix("lm_head.weight", vocab, hidden);
    this.finalNorm = this.normWeight("model.norm.weight", hidden);
  }

  /** A fresh, empty cache for one sequence. */
  abstract newCache(): ReferenceCache;

  /**
   * The token mixer of layer `il` (attention or linear attention) on the normed rows; updates `cache`.
   * `positions` are the rows' RoPE positions (attention uses them, linear attention has none).
   */
  protected abstract mixer(
    il: number,
    x: Float64Array[],
    cache: ReferenceCache,
    cb: Capture,
    positions: readonly RopePosition[],
  ): Float64Array[];

  /** The feed-forward block of layer `il` on the normed rows. */
  protected abstract ffn(il: number, x: Float64Array[], cb: Capture): Float64Array[];

  /** RMSNorm weight `name`; Qwen3.5 overrides this to apply its (1 + w) convention. */
  protected normWeight(name: string, n: number): Float64Array {
    return this.w.vector(name, n);
  }

  /** Full tensor name of `suffix` in layer `il`, e.g. `model.layers.3.self_attn.q_proj.weight`. */
  protected layerTensor(il: number, suffix: string): string {
    return `model.layers.${il}.${suffix}`;
  }

  /** Row `id` of the token embedding table, as fed for token `id`. */
  embeddingRow(id: number): Float64Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.config.vocab_size) {
      throw new Error(`reference: token id ${id} outside [0, ${this.config.vocab_size})`);
    }
    const h = this.config.hidden_size;
    return this.embed.data.slice(id * h, (id + 1) * h);
  }

  /**
   * Runs a chunk of positions continuing from `cache` (which it extends) and returns one logits row per
   * position. Model-level intermediates: `embd`, `final_norm`; per layer `L<il>.`: `attn_norm`,
   * `attn_out`, `ffn_inp`, `ffn_norm`, `ffn_out`, `l_out`, plus the mixer's and ffn's own names.
   * A requested name that the pass never produced is an error listing the names it has (raised after
   * the pass, so the cache has advanced).
   */
  forward(input: ReferenceInput, cache: ReferenceCache, opts: ForwardOptions = {}): ForwardResult {
    const cb = new Capture(new Set(opts.capture ?? []));
    const { hidden_size: hidden, num_hidden_layers: nLayer, rms_norm_eps: eps } = this.config;
    let x =
      "tokens" in input
        ? input.tokens.map((id) => this.embeddingRow(id))
        : "mixed" in input
          ? input.mixed.map((v) => (typeof v === "number" ? this.embeddingRow(v) : v))
          : input.embeddings;
    x.forEach((r, t) => {
      if (r.length !== hidden) {
        throw new Error(`reference: embedding row ${t} has ${r.length} values, hidden_size is ${hidden}`);
      }
    });
    if (cache.layers.length !== nLayer) {
      throw new Error(`reference: cache has ${cache.layers.length} layers, model ${nLayer}`);
    }
    cb.rows("embd", -1, x);
    const positions = ropePositions(input, x.length, cache);

    for (let il = 0; il < nLayer; il++) {
      // token mixer (self-attention or Gated DeltaNet)
      const attnNorm = this.normWeight(this.layerTensor(il, "input_layernorm.weight"), hidden);
      const h = x.map((r) => rmsNorm(r, attnNorm, eps));
      cb.rows("attn_norm", il, h);
      const mixed = this.mixer(il, h, cache, cb, positions);
      cb.rows("attn_out", il, mixed);
      x = x.map((r, t) => add(r, mixed[t]));
      cb.rows("ffn_inp", il, x);

      // feed-forward
      const ffnNorm = this.normWeight(this.layerTensor(il, "post_attention_layernorm.weight"), hidden);
      const f = x.map((r) => rmsNorm(r, ffnNorm, eps));
      cb.rows("ffn_norm", il, f);
      const out = this.ffn(il, f, cb);
      cb.rows("ffn_out", il, out);
      x = x.map((r, t) => add(r, out[t]));
      cb.rows("l_out", il, x);
    }
    cache.position += x.length;
    if (input.positions && x.length > 0) {
      const { t, h, w } = input.positions;
      cache.ropeDelta = Math.max(...t, ...h, ...w) + 1 - cache.position;
    }

    const normed = x.map((r) => rmsNorm(r, this.finalNorm, eps));
    cb.rows("final_norm", -1, normed);
    const logits = opts.logits === false ? [] : normed.map((r) => linear(this.lmHead, r));
    cb.check();
    return { logits, captured: cb.captured };
  }
}

/** Each row's RoPE position: the given (t, h, w) triples, else cache.position + cache.ropeDelta + t. */
function ropePositions(input: ReferenceInput, n: number, cache: ReferenceCache): RopePosition[] {
  const start = cache.position + cache.ropeDelta;
  if (!input.positions) return Array.from({ length: n }, (_, t) => start + t);
  const { t, h, w } = input.positions;
  if (t.length !== n || h.length !== n || w.length !== n) {
    throw new Error(`reference: ${n} input rows but positions of ${t.length}, ${h.length}, ${w.length}`);
  }
  return t.map((tt, i) => [tt, h[i], w[i]] as const);
}
