/**
 * @module tasks layer: seeded, deterministic problem families (arithmetic, multiplication, durations, word
 * problems, ordering, Countdown) with worked chains of thought, their splits, and the tool-use slice. One
 * generator serves training data, `rio eval` and the tests.
 */
export type { ChatMessage } from "../tokenizer/index.js";
export { problemChat, questionMessages } from "./chats.js";
export { echoChat } from "./echo.js";
export { durationText } from "./families/duration.js";
export {
  type Draft,
  type Expected,
  FAMILIES,
  type Family,
  type FamilyName,
  type Language,
  type Problem,
  type Rng,
} from "./problem.js";
export { makeRng, seedOf } from "./rng.js";
export { smallTalkChat } from "./small-talk.js";
export { FAMILY_GENERATORS, isHeldOut, type ProblemOptions, problems, SPLITS, type Split } from "./splits.js";
export { PYTHON_TOOL, toolUseChat } from "./tool-use.js";
