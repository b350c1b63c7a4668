/**
 * @module Problems as chat conversations in Qwen3's message format, for training and for `rio eval`: the
 * question as the user turn (sometimes after a system prompt), the worked solution as the assistant's
 * reasoning and the answer part as its content.
 */
import type { ChatMessage } from "../tokenizer/index.js";
import type { Language, Problem, Rng } from "./problem.js";

const SYSTEM: Record<Language, string[]> = {
  en: [
    "You are a helpful assistant.",
    "You are rio-nano, a small reasoning model. Think step by step.",
    "Answer the question. Show your reasoning.",
    "You are a careful math tutor.",
  ],
  pt: [
    "Você é um assistente prestativo.",
    "Você é o rio-nano, um pequeno modelo que raciocina passo a passo.",
    "Responda à pergunta mostrando o raciocínio.",
    "Você é um professor de matemática cuidadoso.",
  ],
};

/** The user turn of a problem, as `rio eval` asks it. */
export function questionMessages(problem: Problem): ChatMessage[] {
  return [{ role: "user", content: problem.question }];
}

/** A problem as a whole conversation for training: a system prompt one time in four. */
export function problemChat(problem: Problem, rng: Rng): ChatMessage[] {
  const system: ChatMessage[] = rng.chance(0.25)
    ? [{ role: "system", content: rng.pick(SYSTEM[problem.language]) }]
    : [];
  return [
    ...system,
    ...questionMessages(problem),
    { role: "assistant", content: problem.answer, reasoning_content: problem.reasoning },
  ];
}
