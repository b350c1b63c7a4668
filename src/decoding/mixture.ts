/**
 * @module
 * What a decoding step feeds back as the next input: one token, or a sparse weighted mixture of
 * embedding rows (a SwiReasoning soft embedding plus its special-row terms). The engine turns a mixture
 * into a vector with {@link mixtureToVector}.
 */

/** One weighted embedding row of a mixture. */
export interface MixtureTerm {
  /** A token id, or {@link MEAN_ROW_ID}. */
  id: number;
  weight: number;
}

/** The next input of a sequence: the embedding row of a token, or a weighted sum of rows. */
export type FedInput = { kind: "token"; id: number } | { kind: "mixture"; terms: MixtureTerm[] };

/**
 * Pseudo id of the vocabulary-mean embedding row (the mean of all rows of the input embedding table).
 * A sparse soft embedding gives the probability mass of the tokens it leaves out to this row: the
 * expected row of the tail, which keeps the mixture close to the dense p @ E (see soft-terms.ts).
 */
export const MEAN_ROW_ID = -1;

/**
 * Accumulates `sum_i weight_i * E[id_i]` into a new vector of `hidden` floats. `embeddingRow(id, out)`
 * must write row `id` (dequantised) into `out`; {@link MEAN_ROW_ID} terms use `meanRow` instead (from
 * {@link meanEmbeddingRow}, computed once per model). Ids may repeat (a special row can also be in the
 * soft head); their weights simply add. Accumulation is in float64, rounded once at the end.
 *
 * @example
 * const row = (id: number, out: Float32Array) => out.set(table.subarray(id * hidden, (id + 1) * hidden));
 * const mean = meanEmbeddingRow(row, vocabSize, hidden);
 * const v = mixtureToVector(fed.terms, row, hidden, mean);
 */
export function mixtureToVector(
  terms: readonly MixtureTerm[],
  embeddingRow: (id: number, out: Float32Array) => void,
  hidden: number,
  meanRow?: Float32Array,
): Float32Array {
  const acc = new Float64Array(hidden);
  const row = new Float32Array(hidden);
  for (const { id, weight } of terms) {
    if (weight === 0) continue;
    let source: Float32Array = row;
    if (id === MEAN_ROW_ID) {
      if (meanRow?.length !== hidden)
        throw new Error(`mixtureToVector: a mean-row term needs meanRow of ${hidden} floats`);
      source = meanRow;
    } else {
      embeddingRow(id, row);
    }
    addScaled(acc, weight, source);
  }
  return Float32Array.from(acc);
}

/** acc += weight * row, unrolled by four: a latent step runs it for up to soft_max_terms rows. */
function addScaled(acc: Float64Array, weight: number, row: Float32Array): void {
  const n = acc.length;
  const end = n - (n % 4);
  let j = 0;
  for (; j < end; j += 4) {
    acc[j] += weight * row[j];
    acc[j + 1] += weight * row[j + 1];
    acc[j + 2] += weight * row[j + 2];
    acc[j + 3] += weight * row[j + 3];
  }
  for (; j < n; j++) acc[j] += weight * row[j];
}

/**
 * The mean of rows 0..vocabSize-1 (float64 accumulation), for {@link MEAN_ROW_ID} terms.
 *
 * @example
 * const mean = meanEmbeddingRow((id, out) => model.embeddingRow(id, out), config.vocab_size, config.hidden_size);
 */
export function meanEmbeddingRow(
  embeddingRow: (id: number, out: Float32Array) => void,
  vocabSize: number,
  hidden: number,
): Float32Array {
  const acc = new Float64Array(hidden);
  const row = new Float32Array(hidden);
  for (let id = 0; id < vocabSize; id++) {
    embeddingRow(id, row);
    for (let j = 0; j < hidden; j++) acc[j] += row[j];
  }
  return Float32Array.from(acc, (x) => x / vocabSize);
}

/** Terms of `a * x + b * y` where x and y are mixtures (weights scaled, lists concatenated). */
export function blendTerms(
  a: number,
  x: readonly MixtureTerm[],
  b: number,
  y: readonly MixtureTerm[],
): MixtureTerm[] {
  return [
    ...x.map((t) => ({ id: t.id, weight: a * t.weight })),
    ...y.map((t) => ({ id: t.id, weight: b * t.weight })),
  ];
}
