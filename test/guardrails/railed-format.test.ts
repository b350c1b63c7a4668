// Output rails on a chat choice, driven by scripted steps: the reasoning and the answer are railed apart
// (`reasoning_content` and its `reasoning` copy too), the streamed deltas join to the whole message, and a
// block stops the choice.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { GenerateStep } from "../../src/decoding/index.js";
import { Guardrails, parsePolicy } from "../../src/guardrails/index.js";
import { ChatFormat } from "../../src/server/chat-format.js";
import { RailedChatFormat } from "../../src/server/railed-format.js";
import type { RioTokenizer } from "../../src/tokenizer/index.js";

const POLICY = `
rails:
  - {name: pii-out, stage: output, detectors: [pii], action: redact}
  - {name: no-secrets, stage: output, sources: [answer], detectors: [secrets], action: block, message: no keys}
`;

const steps = (text: string): GenerateStep[] =>
  (text.match(/.{1,3}/gs) ?? []).map((piece, index) => ({
    index,
    tokenId: 0,
    text: piece,
    mode: "explicit",
    fed: "token",
    entropy: null,
    refEntropy: null,
    switched: null,
  })) as GenerateStep[];

function format(): RailedChatFormat {
  const chat = new ChatFormat({
    tokenizer: {} as RioTokenizer,
    startsInReasoning: true,
    toolFormat: "json",
    logprobs: false,
    modes: false,
  });
  return new RailedChatFormat(chat, new Guardrails(parsePolicy(POLICY)).select({ policies: [] }));
}

test("reasoning and answer are railed apart, and the streamed deltas join to the whole message", async () => {
  const f = format();
  const streamed = { content: "", reasoning_content: "", reasoning: "" };
  const take = (fields: Record<string, unknown> | undefined) => {
    const delta = (fields?.delta ?? {}) as Record<string, string>;
    for (const key of ["content", "reasoning_content", "reasoning"] as const)
      streamed[key] += delta[key] ?? "";
  };
  for (const step of steps("The user ana@example.com wants a call.</think>\n\nCall +55 11 98765-4321 now."))
    take(f.step(step));
  take(f.finish("eos").fields);
  take(f.lastFields(undefined, await f.rails.settle()));
  assert.equal(streamed.reasoning_content, "The user [REDACTED:email] wants a call.");
  assert.equal(streamed.reasoning, streamed.reasoning_content);
  assert.equal(streamed.content, "\n\nCall [REDACTED:phone] now.");
  const message = f.whole().message as Record<string, string>;
  assert.equal(message.content, streamed.content);
  assert.equal(message.reasoning_content, streamed.reasoning_content);
  assert.deepEqual(
    f.rails.findings.map((x) => [x.source, x.categories]),
    [
      ["reasoning", ["email"]],
      ["answer", ["phone"]],
    ],
  );
});

test("a blocking answer rail calls onBlock once the secret shows, before any of it is released", () => {
  const f = format();
  let blocked = false;
  f.rails.onBlock = () => {
    blocked = true;
  };
  let content = "";
  for (const step of steps("ok</think>\n\nUse AKIAIOSFODNN7EXAMPLE here")) {
    content += ((f.step(step)?.delta ?? {}) as { content?: string }).content ?? "";
    if (blocked) break;
  }
  assert.ok(blocked);
  assert.equal(f.rails.blocked?.message, "no keys");
  assert.ok(!content.includes("AKIA"), content);
  assert.deepEqual(f.rioField().rio, {
    guardrails: {
      blocked: { rail: "no-secrets", message: "no keys", categories: ["aws_access_key"] },
      findings: [
        {
          rail: "no-secrets",
          stage: "output",
          source: "answer",
          action: "block",
          categories: ["aws_access_key"],
          count: 1,
        },
      ],
    },
  });
});
