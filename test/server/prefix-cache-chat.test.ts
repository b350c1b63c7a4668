/**
 * A hybrid (Qwen3.5) chat through the server resumes each turn from the state kept where the previous
 * turn's messages ended: recurrent state cannot be cut back, so that checkpoint is the only state a later
 * turn can reuse (the previous request's end state holds its generated reasoning, which the next prompt
 * does not repeat).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { startTinyServer, type TinyServer } from "./tiny-server.js";

let tiny: TinyServer;
before(async () => {
  tiny = await startTinyServer({
    maxSequences: 2,
    makeModel: (out) => makeTinyModel({ arch: "qwen3_5", out, seed: 11 }),
  });
});
after(() => tiny.close());

test("hybrid: each later turn of a chat reuses the whole history before its last message", async () => {
  type Message = { role: "user" | "assistant"; content: string };
  const messages: Message[] = [];
  let expected = 0;
  for (let turn = 0; turn < 3; turn++) {
    messages.push({ role: "user", content: `Turn ${turn}: remember the number ${turn * 37 + 11}, please.` });
    const before = await tiny.metric("rio_prefix_cache_tokens_reused_total");
    const completion = await tiny.client.chat.completions.create({
      model: "tiny-qwen3",
      messages,
      max_tokens: 6,
      seed: turn,
    });
    const reused = (await tiny.metric("rio_prefix_cache_tokens_reused_total")) - before;
    // the history the previous turn ended its messages with: all of it comes from the cache
    assert.equal(reused, expected, `turn ${turn}`);
    messages.push({ role: "assistant", content: completion.choices[0].message.content ?? "" });
    expected = tiny.model.tokenizer.encodeChat(messages.slice(0, -1), { addGenerationPrompt: false }).length;
  }
});
