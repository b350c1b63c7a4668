/**
 * @module The guardrail judge on the served model: the guard prompt (the text as plain user text, so it cannot
 * inject special tokens), thinking off, greedy, the verdict grammar; run through the same scheduler and context
 * reservations as requests.
 */
import {
  guardMessage,
  guardPrompt,
  type JudgeCategory,
  type JudgeFn,
  parseVerdict,
  verdictGrammar,
} from "../guardrails/index.js";
import { renderPrompt } from "./chat-messages.js";
import type { StepFormat } from "./choice-format.js";
import type { ServerContext } from "./context.js";
import { runContext } from "./generation-endpoint.js";
import { runChoice } from "./run-choice.js";

/** Most tokens of a verdict: the JSON object with a one-sentence rationale. */
const VERDICT_TOKENS = 96;

/**
 * A JudgeFn asking `server`'s model.
 * @example
 * const judge = modelJudge(server, [{ name: "violence", description: "threats or glorified violence" }]);
 * await judge("hello"); // { safe: true, category: "none", rationale: "..." }
 */
export function modelJudge(server: ServerContext, categories: readonly JudgeCategory[]): JudgeFn {
  const system = guardPrompt(categories);
  const grammar = verdictGrammar(categories);
  return async (text) => {
    const messages = [
      { role: "system" as const, content: system },
      { role: "user" as const, content: guardMessage(text) },
    ];
    const prompt = renderPrompt(server, { messages, enableThinking: false }, "input");
    let answer = "";
    const format: StepFormat<null> = {
      step: (step) => {
        answer += step.text;
        return undefined;
      },
      finish: () => ({ fields: null, finishReason: "stop" }),
    };
    const request = {
      prompt: prompt.tokens,
      maxTokens: VERDICT_TOKENS,
      grammar,
      sampling: { temperature: 0 },
      reasoning: { method: "cot" as const },
    };
    // not a request of its own: no time-to-first-token sample
    await runChoice({ ...runContext(server), arrivedAt: undefined }, { index: 0, request, format }, () => {});
    return parseVerdict(answer, categories);
  };
}
