/**
 * @module The text the conformance models' LM heads are trained on (see reference/train-head.ts): short
 * chats in the languages and registers of the conformance prompt, the conformance chat itself among them
 * with an answer, so the positions under test are ones the model was trained on, as a real model's
 * everyday text is.
 */
import type { ChatMessage } from "../../src/tokenizer/index.js";

/** A real chat: system prompt, a multilingual user turn, and a generation prompt with thinking on. */
export const CONFORMANCE_CHAT: ChatMessage[] = [
  { role: "system", content: "You are Rio, a careful assistant. Answer briefly and show your reasoning." },
  {
    role: "user",
    content:
      "Qual é a soma de 17 e 25? Explique passo a passo. 然后用中文说一句话。 Then write `x = [i**2 for i in range(5)]` in Python.",
  },
];

export const TRAINING_CHATS: ChatMessage[][] = [
  [
    ...CONFORMANCE_CHAT,
    {
      role: "assistant",
      content:
        "17 + 25 = 42: primeiro 7 + 5 = 12, vai um; depois 1 + 2 + 1 = 4. 答案是四十二。\n```python\nx = [i**2 for i in range(5)]\n```",
    },
  ],
  [
    { role: "user", content: "What is 12 times 12?" },
    { role: "assistant", content: "12 × 12 = 144." },
  ],
  [
    { role: "user", content: "Quanto é 9 + 16?" },
    { role: "assistant", content: "9 + 16 = 25. Somamos as unidades e depois as dezenas." },
  ],
  [
    { role: "system", content: "You are a helpful assistant." },
    { role: "user", content: "Write a Python list of the first five squares." },
    {
      role: "assistant",
      content: "```python\nsquares = [i**2 for i in range(5)]\nprint(squares)  # [0, 1, 4, 9, 16]\n```",
    },
  ],
  [
    { role: "user", content: "用中文介绍一下你自己。" },
    { role: "assistant", content: "我是一个语言模型，可以回答问题、写代码和做数学题。" },
  ],
  [
    { role: "system", content: "You are Rio, a careful assistant." },
    { role: "user", content: "Is 91 a prime number? Explain step by step." },
    { role: "assistant", content: "No. 91 = 7 × 13, so it has divisors other than 1 and itself." },
  ],
  [
    { role: "user", content: "Explique passo a passo: quanto é 30 - 12?" },
    { role: "assistant", content: "Primeiro, 30 - 10 = 20. Depois, 20 - 2 = 18. A resposta é 18." },
  ],
  [
    { role: "user", content: "Then write `y = sum(range(10))` in Python and tell me y." },
    { role: "assistant", content: "y = 45, because 0 + 1 + ... + 9 = 45." },
  ],
  [
    { role: "system", content: "Answer briefly and show your reasoning." },
    { role: "user", content: "What is the sum of 17 and 25?" },
    { role: "assistant", content: "17 + 25: 7 + 5 = 12, carry 1; 1 + 2 + 1 = 4. So the sum is 42." },
  ],
];
