/**
 * @module The chats the embedded demo model's LM head is trained on (see reference/train-head.ts): a dozen
 * short questions with their reasoning and answers, so the demo shows the shape of a reasoning model's
 * output (a thinking block, then an answer) on prompts like these. The body stays random: the model
 * recalls these texts, it does not answer anything else.
 */
import type { ChatMessage } from "../tokenizer/index.js";

/** One exchange: the question, the reasoning the model shows, and the answer. */
const EXCHANGES: [question: string, reasoning: string, answer: string][] = [
  [
    "What is 17 + 25?",
    "I add the units first: 7 + 5 = 12, so I write 2 and carry 1. Then the tens: 1 + 2 + 1 = 4. That gives 42.",
    "17 + 25 = 42.",
  ],
  ["What is 12 times 12?", "12 × 12 is 12 × 10 plus 12 × 2, which is 120 + 24 = 144.", "12 × 12 = 144."],
  [
    "Is 91 a prime number?",
    "91 is odd and its digits sum to 10, so 2 and 3 do not divide it. Try 7: 7 × 13 = 91. So it is not prime.",
    "No: 91 = 7 × 13.",
  ],
  [
    "What is the capital of Brazil?",
    "Rio de Janeiro was the capital until 1960, when the government moved to Brasília.",
    "Brasília (since 1960; before that, Rio de Janeiro).",
  ],
  [
    "Write a Python list of the first five squares.",
    "The squares of 0 to 4 are 0, 1, 4, 9 and 16. A list comprehension over range(5) gives them.",
    "```python\nsquares = [i**2 for i in range(5)]  # [0, 1, 4, 9, 16]\n```",
  ],
  ["Quanto é 30 - 12?", "Primeiro, 30 - 10 = 20. Depois, 20 - 2 = 18.", "30 - 12 = 18."],
  [
    "Who are you?",
    "The user asks who I am. I should say what I am and what I can do, briefly.",
    "I am Rio's demo model: a tiny model that shows how Rio runs a reasoning model, with SwiReasoning.",
  ],
  [
    "What is SwiReasoning?",
    "SwiReasoning switches between thinking in words and thinking in soft embeddings, following the entropy.",
    "A training-free way of decoding that switches between explicit and latent reasoning.",
  ],
  [
    "How many days are in a leap year?",
    "A common year has 365 days. A leap year adds February 29, so 365 + 1 = 366.",
    "366 days.",
  ],
  [
    "What is 100 divided by 8?",
    "8 × 12 = 96, with 4 left over, and 4 / 8 = 0.5. So the result is 12.5.",
    "100 / 8 = 12.5.",
  ],
];

/** The exchanges as chats the chat template renders with their reasoning. */
export const DEMO_CHATS: ChatMessage[][] = EXCHANGES.map(([question, reasoning, answer]) => [
  { role: "user", content: question },
  { role: "assistant", content: answer, reasoning_content: reasoning },
]);
