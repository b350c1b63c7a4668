/**
 * @module eval layer: reading answers out of generated text (extraction rules stated in extract.ts), exact
 * checking against what a problem expects, the suites `rio eval` runs, the concurrent runner, and the chart
 * of accuracy against mean generated tokens.
 */
export { type AccuracyChart, accuracyChartSpec, renderChart } from "./chart.js";
export { checkAnswer, type Verdict } from "./check.js";
export { type Evaluated, ExpressionError, evaluate, type Rational } from "./expression.js";
export {
  answerPart,
  extractDuration,
  extractExpression,
  extractFinalNumber,
  extractNumbers,
} from "./extract.js";
export {
  type EvalConfig,
  type EvalMethod,
  type EvalRecord,
  type EvalRow,
  runEval,
  type Score,
  score,
  summarise,
} from "./run-eval.js";
export { type EvalItem, expectedFromRecord, fileItems, SUITES, suiteItems } from "./suites.js";
