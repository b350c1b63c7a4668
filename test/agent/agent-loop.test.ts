// The agent loop with scripted generations: built-in calls run and their results go back into the
// conversation in the template's shapes; the step limit holds (the generation after the last round is
// offered no tools and its calls do not run); a client's function call ends the loop; one token budget
// spans the generations; a full context or a cancellation ends the loop cleanly.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { type AgentStep, type GeneratedTurn, runAgent, ToolRunner } from "../../src/agent/index.js";
import type { GenerateSummary } from "../../src/decoding/index.js";
import type { ChatMessage } from "../../src/tokenizer/index.js";
import { defineTool } from "../../src/tools/index.js";

const echo = defineTool({
  name: "echo",
  description: "Repeats the text",
  args: z.object({ text: z.string() }).strict(),
  run: async ({ text }) => ({ text: `echo: ${text}`, isError: false }),
});
const tools = new ToolRunner([echo]);
const user: ChatMessage[] = [{ role: "user", content: "go" }];

const summary = (tokens: number): GenerateSummary => ({
  promptTokens: 10,
  tokens,
  reasoningTokens: 0,
  latentSteps: 0,
  switches: 0,
  stopReason: "eos",
  timings: { queueMs: 0, prefillMs: 1, decodeMs: 10, decodeTokensPerSecond: 100 * tokens },
});
const echoCall = (n: number, name = "echo") => ({ id: `call_${n}`, name, arguments: `{"text":"${n}"}` });
const turn = (calls: GeneratedTurn["calls"], content = "", tokens = 5): GeneratedTurn => ({
  content,
  reasoning: "thinking",
  calls,
  summary: summary(tokens),
});

/** Generations that always call echo; records what each was given. */
function alwaysCalling() {
  const asked: { messages: ChatMessage[]; step: AgentStep }[] = [];
  return {
    asked,
    generate: async (messages: ChatMessage[], step: AgentStep) => {
      asked.push({ messages, step });
      return turn([echoCall(step.index)], " Let me check. ");
    },
  };
}

test("calls run, results return in the template's shapes, and the step limit holds", async () => {
  const script = alwaysCalling();
  const events: string[] = [];
  const result = await runAgent(
    user,
    tools,
    {
      generate: script.generate,
      toolCall: (call, step) => events.push(`call ${call.id} @${step}`),
      toolResult: (run, step) => events.push(`result ${run.result.text} @${step}`),
    },
    { maxSteps: 2 },
  );
  assert.deepEqual(
    script.asked.map((a) => [a.step.index, a.step.offersTools]),
    [
      [0, true],
      [1, true],
      [2, false],
    ],
  );
  assert.deepEqual(events, ["call call_0 @0", "result echo: 0 @0", "call call_1 @1", "result echo: 1 @1"]);
  assert.equal(result.runs.length, 2);
  assert.deepEqual(result.turn.calls, [echoCall(2)], "the last turn's call is not run");
  assert.deepEqual(result.messages.slice(1, 3), [
    {
      role: "assistant",
      content: "Let me check.",
      reasoning_content: "thinking",
      tool_calls: [{ id: "call_0", type: "function", function: { name: "echo", arguments: { text: "0" } } }],
    },
    { role: "tool", tool_call_id: "call_0", name: "echo", content: "echo: 0" },
  ]);
  assert.equal(script.asked[2].messages.length, 5, "each generation sees every round before it");
  assert.deepEqual(
    [result.summary.tokens, result.summary.promptTokens, result.summary.stopReason],
    [15, 30, "eos"],
  );
});

test("a client's function call ends the loop, after the built-in calls of the same turn ran", async () => {
  let generations = 0;
  const result = await runAgent(
    user,
    tools,
    {
      generate: async () => {
        generations++;
        return turn([echoCall(0), echoCall(1, "get_weather")]);
      },
    },
    { maxSteps: 4 },
  );
  assert.equal(generations, 1);
  assert.deepEqual(
    result.runs.map((r) => r.call.name),
    ["echo"],
  );
  assert.deepEqual(
    result.turn.calls.map((c) => c.name),
    ["echo", "get_weather"],
  );
});

test("one token budget spans the generations; a full context ends the rounds as a cut answer", async () => {
  const script = alwaysCalling();
  const budget = await runAgent(user, tools, { generate: script.generate }, { maxSteps: 5, maxTokens: 12 });
  assert.deepEqual(
    script.asked.map((a) => a.step.maxTokens),
    [12, 7, 2],
  );
  assert.equal(budget.summary.stopReason, "length");
  const full = await runAgent(
    user,
    tools,
    { generate: async (_m, step) => (step.index === 0 ? turn([echoCall(0)]) : undefined) },
    { maxSteps: 5 },
  );
  assert.deepEqual([full.runs.length, full.summary.stopReason], [1, "length"]);
});

test("an answer without calls is one generation; a cancelled run ends the loop", async () => {
  const plain = await runAgent(user, tools, { generate: async () => turn([], "42") }, { maxSteps: 3 });
  assert.deepEqual([plain.turn.content, plain.runs.length, plain.messages], ["42", 0, user]);
  const abort = new AbortController();
  abort.abort();
  const script = alwaysCalling();
  const cancelled = await runAgent(
    user,
    tools,
    { generate: script.generate },
    { maxSteps: 3, signal: abort.signal },
  );
  assert.equal(script.asked.length, 1);
  assert.equal(cancelled.runs[0].outcome, "cancelled");
});
