/**
 * @module
 * Decoding: samplers, stop rules and the SwiReasoning controller. Pure logic over logits rows; the
 * engine feeds back what a controller returns (a token, or a sparse mixture of embedding rows).
 *
 * A generate loop is thin: engine step -> logits row -> `controller.step(row, sampler)` -> feed
 * `result.fed` (a token id, or `mixtureToVector(result.fed.terms, embeddingRow, hidden, meanRow)`) until
 * `result.stop` is set.
 */

export { AnswerPrefixController } from "./answer-prefix.js";
export { argmax, type Candidates, filterCandidates, pickCandidate } from "./candidates.js";
export { ConstrainedSampler, type TokenConstraint } from "./constrained-sampler.js";
export type { DecodingController, StepResult, StopParams, StopReason } from "./controller.js";
export { CotController } from "./cot-controller.js";
export {
  type FinishReason,
  type GenerateRequest,
  type GenerateStep,
  type GenerateSummary,
  generate,
  preparePrompt,
  type ReasoningOptions,
} from "./generate.js";
export { JSON_GRAMMAR } from "./json-grammar.js";
export { SCHEMA_LIMITS, SchemaError, SchemaGrammar } from "./json-schema-grammar.js";
export { type TokenLogprob, tokenLogprob } from "./logprobs.js";
export { MATH_TOKEN_STRINGS, mathTokenIds } from "./math-tokens.js";
export {
  isVideo,
  type MediaItem,
  mediaExtraRows,
  type VideoEmbeddings,
  type VideoGroup,
  withVideoTimestamps,
} from "./media-prompt.js";
export {
  type FedInput,
  MEAN_ROW_ID,
  type MixtureTerm,
  meanEmbeddingRow,
  mixtureToVector,
} from "./mixture.js";
export { applyPenalties, TokenHistory } from "./penalties.js";
export { Rng } from "./rng.js";
export { Sampler, type TokenSampler } from "./sampler.js";
export {
  type SamplingParams,
  SamplingParamsError,
  samplingDefaults,
  stopTokenIds,
  validateSamplingParams,
} from "./sampling-params.js";
export { softTerms } from "./soft-terms.js";
export { StopStringMatcher } from "./stop-strings.js";
export { SwiReasoningController } from "./swir-controller.js";
export { SWIR_DEFAULTS, type SwirParams, swirParams } from "./swir-params.js";
export {
  CONVERGENCE_TEXT,
  LINE_BREAK_TOKEN,
  type SwirVocab,
  swirVocab,
  TERMINATION_TEXT,
  type VocabTokenizer,
} from "./swir-vocab.js";
export { type ThinkingBudget, ThinkingBudgetController } from "./thinking-budget.js";
export { topKIndices } from "./top-k.js";
export {
  headOf,
  type SoftmaxSummary,
  softmaxSummary,
  type TopMass,
  type TopMassOptions,
  topMass,
} from "./top-mass.js";
export { type SpanConstraint, TriggeredConstraint } from "./triggered-constraint.js";
