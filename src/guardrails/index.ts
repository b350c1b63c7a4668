/**
 * @module Guardrails: detectors of PII, secrets, prompt injection and listed words behind one `Detector`
 * interface; a model-judged check behind a `JudgeFn` the caller supplies (this layer never imports the engine);
 * the policy file that arranges them into input and output rails; input checks, streaming output rails and
 * moderation. The server wires them to requests, keys and its model.
 */
export { DETECTOR_GROUPS, DETECTORS, detectAll } from "./detectors.js";
export {
  CachedJudge,
  guardMessage,
  guardPrompt,
  type JudgeCategory,
  type JudgeStats,
  parseVerdict,
  verdictGrammar,
} from "./judge.js";
export {
  type InputSource,
  loadPolicy,
  type OutputSource,
  type Policy,
  parsePolicy,
  type RailSpec,
} from "./policy.js";
export {
  type Block,
  type Checked,
  type Finding,
  Guardrails,
  type Rail,
  type RailScope,
  RailSet,
} from "./rails.js";
export { OutputRail } from "./stream.js";
export type { Detector, JudgeFn, Span, Verdict } from "./types.js";
export { ConfigFileError, FieldError, loadYamlFile } from "./yaml-file.js";
