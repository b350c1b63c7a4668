/**
 * @module rio-nano's training data: the conversations of the training mix (problem families weighted by
 * how much practice they need, the tool-use slice, a little small talk), the text its tokenizer is trained
 * on, and each conversation as token ids with the masks the training script needs.
 */
import { swirVocab } from "../decoding/index.js";
import {
  type ChatMessage,
  echoChat,
  type FamilyName,
  makeRng,
  problemChat,
  problems,
  seedOf,
  smallTalkChat,
  toolUseChat,
} from "../tasks/index.js";
import type { RioTokenizer } from "../tokenizer/index.js";

/** One training conversation. */
export interface TrainingChat {
  messages: ChatMessage[];
  tools?: object[];
}

/** Share of the problem mix per family: the long, branching ones get more practice. */
const FAMILY_WEIGHTS: [FamilyName, number][] = [
  ["arithmetic", 4],
  ["multiplication", 5],
  ["duration", 4],
  ["word", 6],
  ["ordering", 3],
  ["countdown", 6],
];
const MIX: FamilyName[] = FAMILY_WEIGHTS.flatMap(([name, weight]) => Array<FamilyName>(weight).fill(name));

/** How much of the training mix is echo conversations (see tasks/echo.ts), and which words they repeat. */
export interface EchoMix {
  share: number;
  words?: readonly string[];
}

/**
 * Conversations `start .. start + count - 1` of the training mix (deterministic): `echo.share` of them are
 * echo conversations, 3% tool use, 1% small talk, the rest problems of `families` (all by default) in the
 * mix's proportions.
 */
export function* trainingChats(
  count: number,
  start = 0,
  echo: EchoMix = { share: 0 },
  families?: readonly FamilyName[],
): Generator<TrainingChat> {
  const mix = families ? MIX.filter((name) => families.includes(name)) : MIX;
  if (mix.length === 0) throw new Error("trainingChats: no family of the mix was chosen");
  for (let i = start; i < start + count; i++) {
    const rng = makeRng(seedOf("mix", i));
    const slot = rng.next();
    if (slot < 0.03) yield toolUseChat(rng);
    else if (slot < 0.04) yield { messages: smallTalkChat(rng) };
    else if (slot < 0.04 + echo.share) yield { messages: echoChat(rng, echo.words) };
    else {
      const [problem] = problems("train", 1, { families: mix, start: i });
      yield { messages: problemChat(problem, rng) };
    }
  }
}

/**
 * The texts the tokenizer learns its merges from: each conversation rendered by the chat template (so role
 * names and the tool preamble get tokens too), cut at the added tokens, which are not learnt.
 */
export function* tokenizerTexts(chats: Iterable<TrainingChat>, template: RioTokenizer): Generator<string> {
  const added = /<\|[a-z_]+\|>|<\/?(?:think|tool_call|tool_response)>/;
  for (const chat of chats)
    for (const part of template
      .renderChat(chat.messages, { tools: chat.tools, addGenerationPrompt: false })
      .split(added))
      if (part) yield part;
}

/** A conversation as training input: ids and, per position, 0/1 flags as strings of digits. */
export interface TrainingRecord {
  ids: number[];
  /** 1 where the token is one the model must learn to produce (assistant turns, through <|im_end|>). */
  target: string;
  /** 1 inside the reasoning, strictly between <think> and </think>. */
  think: string;
  /** 1 where the token is one SwiReasoning always feeds explicitly (digits, operators, letters...). */
  math: string;
}

/** The words a tokenizer holds as single tokens (a space and at least three ASCII letters). */
export function singleTokenWords(tokenizer: RioTokenizer): string[] {
  const words: string[] = [];
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const text = tokenizer.decode([id]);
    if (/^ [a-z]{3,}$/.test(text) && tokenizer.encode(text).length === 1) words.push(text.slice(1));
  }
  return words;
}

/** The ids the training script needs besides the records. */
export function trainingMeta(tokenizer: RioTokenizer) {
  const vocab = swirVocab(tokenizer);
  return {
    thinkStart: vocab.thinkStart,
    thinkEnd: vocab.thinkEnd,
    lineBreak: vocab.lineBreak,
    imEnd: tokenizer.tokenToId("<|im_end|>"),
  };
}

/**
 * Tokenises a conversation with the chat template exactly as inference renders it, and marks the tokens of
 * each assistant turn: the prompt up to each turn is rendered on its own and must be a prefix of the whole.
 */
export function trainingRecord(
  tokenizer: RioTokenizer,
  chat: TrainingChat,
  mathIds: ReadonlySet<number>,
): TrainingRecord {
  const opts = { tools: chat.tools };
  const ids = tokenizer.encodeChat(chat.messages, { ...opts, addGenerationPrompt: false });
  const target = new Uint8Array(ids.length);
  const think = new Uint8Array(ids.length);
  const imEnd = tokenizer.tokenToId("<|im_end|>");
  const { thinkStart, thinkEnd } = swirVocab(tokenizer);
  chat.messages.forEach((message, k) => {
    if (message.role !== "assistant") return;
    const prompt = tokenizer.encodeChat(chat.messages.slice(0, k), { ...opts, addGenerationPrompt: true });
    if (prompt.some((id, i) => ids[i] !== id))
      throw new Error(`message ${k}: the rendered prompt is not a prefix of the rendered conversation`);
    let inThink = false;
    for (let i = prompt.length; i < ids.length; i++) {
      target[i] = 1;
      if (ids[i] === thinkEnd) inThink = false;
      think[i] = inThink ? 1 : 0;
      if (ids[i] === thinkStart) inThink = true;
      if (ids[i] === imEnd) break;
    }
  });
  const flags = (xs: ArrayLike<number>) => Array.from(xs, (x) => (x ? "1" : "0")).join("");
  return {
    ids,
    target: flags(target),
    think: flags(think),
    math: flags(ids.map((id) => (mathIds.has(id) ? 1 : 0))),
  };
}

/**
 * The conversations whose PyTorch logits ship beside rio-nano (train/dump_logits.py), so a test can compare
 * Rio's float64 reference with the training model on trained text: whole chats, answers included.
 */
export function logitPromptChats(): TrainingChat[] {
  const [sum] = problems("valid", 1, { families: ["arithmetic"] });
  const [time] = problems("valid", 1, { families: ["duration"], start: 1 });
  const [countdown] = problems("valid", 1, { families: ["countdown"], start: 2 });
  const rng = makeRng(seedOf("logit-prompts"));
  return [
    { messages: problemChat(sum, rng) },
    { messages: problemChat(time, rng) },
    { messages: problemChat(countdown, rng) },
    toolUseChat(rng),
  ];
}
