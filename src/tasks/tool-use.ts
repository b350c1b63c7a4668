/**
 * @module The tool-use slice: conversations whose system prompt offers a Python tool (Qwen3's tool-call
 * format). Products too large to do by hand are sent to the tool and its printed result is then used in
 * the answer; small ones are still worked out by hand, so the model learns when a call is worth it.
 */
import type { ChatMessage } from "../tokenizer/index.js";
import { multiplication } from "./families/multiplication.js";
import type { Language, Rng } from "./problem.js";

/** The tool the slice offers (an OpenAI-style function definition). */
export const PYTHON_TOOL = {
  type: "function",
  function: {
    name: "python",
    description: "Runs Python code and returns what it prints.",
    parameters: {
      type: "object",
      properties: { code: { type: "string", description: "The Python code to run." } },
      required: ["code"],
    },
  },
};

const ASK: Record<Language, string[]> = {
  en: ["What is $a × $b?", "Compute $a * $b.", "Multiply $a by $b.", "How much is $a times $b?"],
  pt: ["Quanto é $a × $b?", "Calcule $a * $b.", "Multiplique $a por $b.", "Quanto dá $a vezes $b?"],
};

const TEXT = {
  en: {
    plan: (a: number, b: number) =>
      `${a} × ${b} is too large to do reliably by hand. I have a Python tool, so I will use it.`,
    result: (a: number, b: number, p: number) => `The tool printed ${p}, so ${a} × ${b} = ${p}.`,
  },
  pt: {
    plan: (a: number, b: number) =>
      `${a} × ${b} é grande demais para fazer à mão com segurança. Tenho uma ferramenta Python, vou usá-la.`,
    result: (a: number, b: number, p: number) => `A ferramenta imprimiu ${p}, então ${a} × ${b} = ${p}.`,
  },
};

/** A conversation with the Python tool on offer, and the tool definitions to render it with. */
export function toolUseChat(rng: Rng): { messages: ChatMessage[]; tools: object[] } {
  const language: Language = rng.chance(0.5) ? "en" : "pt";
  const system: ChatMessage[] = rng.chance(0.5)
    ? [
        {
          role: "system",
          content: language === "en" ? "You are a helpful assistant." : "Você é um assistente prestativo.",
        },
      ]
    : [];
  if (rng.chance(0.25)) {
    // small enough by hand: no call
    const draft = multiplication.generate(rng, language, rng.pick([0, 1, 2, 4, 5, 6]));
    return {
      tools: [PYTHON_TOOL],
      messages: [
        ...system,
        { role: "user", content: draft.question },
        { role: "assistant", content: draft.answer, reasoning_content: draft.reasoning },
      ],
    };
  }
  const a = rng.int(100, 99999);
  const b = rng.int(100, 9999);
  const p = a * b;
  const t = TEXT[language];
  const question = rng.pick(ASK[language]).replace("$a", String(a)).replace("$b", String(b));
  return {
    tools: [PYTHON_TOOL],
    messages: [
      ...system,
      { role: "user", content: question },
      {
        role: "assistant",
        content: "",
        reasoning_content: t.plan(a, b),
        tool_calls: [
          { type: "function", function: { name: "python", arguments: { code: `print(${a} * ${b})` } } },
        ],
      },
      { role: "tool", content: String(p) },
      { role: "assistant", content: `${a} × ${b} = ${p}.`, reasoning_content: t.result(a, b, p) },
    ],
  };
}
