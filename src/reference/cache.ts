/**
 * @module reference/cache
 * Per-sequence state of a reference forward pass, owned by the caller (as in mlx-lm's `make_cache`):
 * one entry per layer, a KV cache for full attention and conv + recurrent state for Gated DeltaNet.
 */

/** Keys (after q/k norm and RoPE) and values of one full-attention layer, one row per past position. */
export class KVCache {
  readonly kind = "kv";
  /** Rows of [num_key_value_heads * head_dim]. */
  readonly keys: Float64Array[] = [];
  readonly values: Float64Array[] = [];
}

/** State of one Gated DeltaNet layer. */
export class LinearAttentionState {
  readonly kind = "linear";
  /** The last kernel-1 inputs of the causal conv1d, oldest first ([conv_dim] each); zeros before the first token. */
  readonly conv: Float64Array[];
  /** One [linear_key_head_dim x linear_value_head_dim] row-major matrix S[i][j] per value head, zeros at start. */
  readonly recurrent: Float64Array[];

  constructor(convDim: number, kernel: number, valueHeads: number, keyDim: number, valueDim: number) {
    this.conv = Array.from({ length: kernel - 1 }, () => new Float64Array(convDim));
    this.recurrent = Array.from({ length: valueHeads }, () => new Float64Array(keyDim * valueDim));
  }
}

export type LayerCache = KVCache | LinearAttentionState;

/**
 * Everything one sequence has seen so far; `position` is the number of positions already processed
 * (the next cache slot). `ropeDelta` is HF's `rope_deltas`: after a chunk with explicit M-RoPE
 * positions it is (largest position given + 1) - position, so rows fed later without positions
 * continue at position + ropeDelta (e.g. text after an image continues at start + max(gridH, gridW)).
 */
export class ReferenceCache {
  position = 0;
  ropeDelta = 0;
  constructor(readonly layers: LayerCache[]) {}

  /** The cache of layer `il`, checked to be of the kind that layer needs. */
  layer<K extends LayerCache["kind"]>(il: number, kind: K): Extract<LayerCache, { kind: K }> {
    const c = this.layers[il];
    if (c?.kind !== kind)
      throw new Error(`reference cache: layer ${il} holds ${c?.kind ?? "nothing"}, expected ${kind}`);
    return c as Extract<LayerCache, { kind: K }>;
  }
}
