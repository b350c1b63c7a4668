/**
 * @module Serving scenarios of later turns: a conversation grows to ~--history tokens over --turns - 1
 * turns, and the time to first token of the last turn is measured with the prefix cache off and on, per
 * architecture (qwen3: the random Qwen3-0.6B shape; others: SMALL_SHAPE, e.g. the qwen3_5 hybrid). Each
 * round is a new conversation (different text), so rounds never hit each other's prefixes; the server
 * runs in-process with one sequence.
 *
 * - `chat-turns`: user messages of facts, each answered by the model (its answer goes into the history,
 *   as a chat client sends it back).
 * - `agent-loop`: one user task, then turns of an assistant tool call and the tool's result (the facts),
 *   with the tool offered in every request, as an agent framework re-sends the whole history. The
 *   random-weight models do not call tools, so each turn's assistant message is a fixed `lookup` call
 *   rather than the model's answer; the server still generates every turn.
 *
 *   npm run bench -- serve --scenario chat-turns|agent-loop [--archs qwen3,qwen3_5 | --model DIR|GGUF]
 *                          [--turns 5] [--history 2000] [--rounds 3] [--max-tokens 16] [--quant q8_0]
 *                          [--ctx 8192] [--threads N]
 */
import { parseArgs } from "node:util";
import { MODEL_TYPES, type ModelType, type Quant } from "../src/checkpoint/index.js";
import { createEngine, loadModel, type RioModel, Scheduler } from "../src/engine/index.js";
import { startServer } from "../src/server/index.js";
import { benchModelOf } from "./bench-models.js";
import { quantile } from "./median.js";
import { streamChat } from "./serve-client.js";

const OPTIONS = {
  scenario: { type: "string" },
  model: { type: "string" },
  archs: { type: "string", default: "qwen3,qwen3_5" },
  turns: { type: "string", default: "5" },
  history: { type: "string", default: "2000" },
  rounds: { type: "string", default: "3" },
  "max-tokens": { type: "string", default: "16" },
  quant: { type: "string", default: "q8_0" },
  ctx: { type: "string", default: "8192" },
  threads: { type: "string" },
} as const;

/** The scenarios this module runs. */
export const TURN_SCENARIOS = ["chat-turns", "agent-loop"] as const;
export type TurnScenario = (typeof TURN_SCENARIOS)[number];

/** One architecture and cache setting: the last turn's prompt size and time to first token. */
export interface TurnsRow {
  arch: string;
  prefixCache: boolean;
  promptTokens: number;
  ttftMs: number[];
}

type ToolCall = { id: string; type: "function"; function: { name: string; arguments: string } };
type Message =
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; tool_calls?: ToolCall[] }
  | { role: "tool"; content: string; tool_call_id: string };

const LOOKUP_TOOL = {
  type: "function",
  function: {
    name: "lookup",
    description: "Looks up the facts of one page of the records.",
    parameters: { type: "object", properties: { page: { type: "integer" } }, required: ["page"] },
  },
};

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`bench serve: --${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** Text of about `tokens` tokens, different for each (round, turn). */
function filler(model: RioModel, tokens: number, round: number, turn: number): string {
  const words: string[] = [];
  for (let i = 0; model.tokenizer.encode(words.join(" ")).length < tokens; i++)
    words.push(`item${round}_${turn}_${i} is ${(i * 7919 + round * 31 + turn) % 1000}`);
  return `Please remember these facts: ${words.join(", ")}.`;
}

/** Sends one non-streamed turn and returns the assistant's answer text. */
async function turn(
  url: string,
  fields: Record<string, unknown>,
  maxTokens: number,
  seed: number,
): Promise<string> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...fields, max_tokens: maxTokens, seed, reasoning: { method: "cot" } }),
  });
  if (res.status !== 200) throw new Error(`bench serve: turn failed with ${res.status}: ${await res.text()}`);
  const answer = (await res.json()) as { choices: { message: { content: string | null } }[] };
  return answer.choices[0].message.content ?? "";
}

/**
 * Appends turn `t` of `scenario` to `messages`: the user's facts and the model's answer, or (agent loop)
 * the task first, then an assistant tool call and its result carrying the facts.
 */
async function addTurn(
  scenario: TurnScenario,
  messages: Message[],
  send: (body: Record<string, unknown>) => Promise<string>,
  facts: string,
  t: number,
): Promise<void> {
  if (scenario === "chat-turns") {
    messages.push({ role: "user", content: facts });
    messages.push({ role: "assistant", content: await send({ messages }) });
    return;
  }
  if (t === 0) messages.push({ role: "user", content: "Read the records page by page, then answer." });
  await send({ messages, tools: [LOOKUP_TOOL] });
  const id = `call_${t}`;
  const call = { name: "lookup", arguments: JSON.stringify({ page: t + 1 }) };
  messages.push({ role: "assistant", content: "", tool_calls: [{ id, type: "function", function: call }] });
  messages.push({ role: "tool", content: facts, tool_call_id: id });
}

/** The scenario for one model and cache setting. */
async function runTurns(
  scenario: TurnScenario,
  model: RioModel,
  prefixCache: boolean,
  opts: { turns: number; history: number; rounds: number; maxTokens: number; ctx: number; threads?: number },
): Promise<{ promptTokens: number; ttftMs: number[] }> {
  const engine = createEngine(model, { ctx: opts.ctx, maxSequences: 1, threads: opts.threads, prefixCache });
  const scheduler = new Scheduler(engine);
  const server = await startServer({ model, scheduler, modelName: "bench", port: 0, logger: false });
  const perTurn = Math.ceil(opts.history / (opts.turns - 1));
  const ttftMs: number[] = [];
  let promptTokens = 0;
  try {
    await turn(server.url, { messages: [{ role: "user", content: "Hello." }] }, 2, 0); // warm-up
    for (let round = 0; round < opts.rounds; round++) {
      const messages: Message[] = [];
      for (let t = 0; t < opts.turns - 1; t++) {
        const send = (body: Record<string, unknown>) => turn(server.url, body, opts.maxTokens, t);
        await addTurn(scenario, messages, send, filler(model, perTurn, round, t), t);
      }
      const tools = scenario === "agent-loop" ? [LOOKUP_TOOL] : undefined;
      if (scenario === "chat-turns") messages.push({ role: "user", content: "What was the first fact?" });
      promptTokens = model.tokenizer.encodeChat(messages, { tools, addGenerationPrompt: true }).length;
      const body = { messages, tools, max_tokens: 2, seed: round };
      const record = await streamChat({ url: server.url, body });
      if (record.problems.length > 0) throw new Error(`bench serve: ${record.problems.join("; ")}`);
      ttftMs.push(record.ttftMs);
    }
  } finally {
    await server.close(0);
    engine.close();
  }
  return { promptTokens, ttftMs };
}

/**
 * Runs a scenario and prints, per architecture, the last turn's median time to first token without and
 * with the prefix cache, and their ratio.
 * @example
 * await laterTurns(["--scenario", "agent-loop", "--archs", "qwen3", "--rounds", "1"]);
 */
export async function laterTurns(args: string[]): Promise<TurnsRow[]> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  const scenario = TURN_SCENARIOS.find((s) => s === values.scenario);
  if (!scenario)
    throw new Error(`bench serve: --scenario takes ${TURN_SCENARIOS.join(", ")}, got ${values.scenario}`);
  const archs = values.archs.split(",").map((a) => {
    if (!MODEL_TYPES.includes(a as ModelType))
      throw new Error(`bench serve: --archs takes ${MODEL_TYPES.join(", ")}, got ${a}`);
    return a as ModelType;
  });
  const opts = {
    turns: positive("turns", values.turns),
    history: positive("history", values.history),
    rounds: positive("rounds", values.rounds),
    maxTokens: positive("max-tokens", values["max-tokens"]),
    ctx: positive("ctx", values.ctx),
    threads: values.threads === undefined ? undefined : positive("threads", values.threads),
  };
  if (opts.turns < 2) throw new Error("bench serve: --turns must be at least 2");
  const rows: TurnsRow[] = [];
  const sources = values.model
    ? [{ name: "model", path: values.model }]
    : archs.map((arch) => ({ name: arch, path: benchModelOf(arch).gguf(values.quant as Quant) }));
  for (const { name: arch, path } of sources) {
    const model = loadModel(path, { quant: values.quant as Quant });
    try {
      for (const prefixCache of [false, true])
        rows.push({ arch, prefixCache, ...(await runTurns(scenario, model, prefixCache, opts)) });
    } finally {
      model.free();
    }
  }
  const median = (xs: number[]) => quantile(xs, 0.5);
  console.log(`${scenario}: turn ${opts.turns} with ~${opts.history} tokens of history`);
  console.log("arch          prompt tok  TTFT ms (no cache)  TTFT ms (cache)  ratio");
  for (const { name: arch } of sources) {
    const [off, on] = [false, true].map((c) => rows.find((r) => r.arch === arch && r.prefixCache === c));
    if (!off || !on) continue;
    const a = median(off.ttftMs);
    const b = median(on.ttftMs);
    console.log(
      `${arch.padEnd(12)}  ${String(on.promptTokens).padStart(10)}  ${a.toFixed(0).padStart(18)}  ${b.toFixed(0).padStart(15)}  ${(b / a).toFixed(3).padStart(5)}`,
    );
  }
  return rows;
}
