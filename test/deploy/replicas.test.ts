// Three `rio serve` replicas behind nginx with the shipped config, on loopback: one conversation stays on
// one replica (prefix-cache affinity); under load, one replica is killed: the streams it was answering
// fail visibly (no [DONE]), every other request completes, and its conversations move to the survivors.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { type Proc, startNginx, startReplica } from "./replicas.js";

let root: string;
const replicas: Proc[] = [];
let nginx: Proc;
const conversations = Array.from({ length: 6 }, (_, i) => `conversation-${i}`);

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-replicas-"));
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  const model = path.join(root, "tiny");
  makeTinyModel({ arch: "qwen3", out: model, seed: 6 });
  // the first replica converts the model into the shared cache; the others then start in parallel
  replicas.push(await startReplica(model, path.join(root, "data0")));
  replicas.push(...(await Promise.all([1, 2].map((i) => startReplica(model, path.join(root, `data${i}`))))));
  nginx = await startNginx(path.join(root, "nginx"), replicas);
});
after(async () => {
  await Promise.all([...replicas, nginx].filter(Boolean).map((p) => p.kill()));
  fs.rmSync(root, { recursive: true, force: true });
});

/** One streamed chat completion through nginx: which replica answered and whether the stream completed. */
async function chat(
  conversation: string,
  maxTokens: number,
  onFirstChunk?: () => void,
): Promise<{ upstream: string; status: number; done: boolean; error?: string }> {
  let upstream = "";
  let status = 0;
  try {
    const response = await fetch(`${nginx.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-rio-conversation": conversation },
      body: JSON.stringify({
        model: "tiny",
        messages: [{ role: "user", content: `Hello from ${conversation}` }],
        max_tokens: maxTokens,
        stream: true,
      }),
    });
    status = response.status;
    upstream = response.headers.get("x-rio-upstream") ?? "";
    if (!response.ok || !response.body)
      return { upstream, status, done: false, error: await response.text() };
    let text = "";
    const decoder = new TextDecoder();
    let first = true;
    for await (const chunk of response.body) {
      text += decoder.decode(chunk as Uint8Array, { stream: true });
      if (first && text.includes("data: ")) {
        first = false;
        onFirstChunk?.();
      }
    }
    return { upstream, status, done: text.includes("data: [DONE]") };
  } catch (e) {
    return { upstream, status, done: false, error: (e as Error).message };
  }
}

test("a conversation stays on one replica", async (t) => {
  const placed = new Map<string, string>();
  for (const c of conversations) {
    const first = await chat(c, 4);
    const second = await chat(c, 4);
    assert.ok(first.done && second.done, `${c}: ${first.error ?? second.error}`);
    assert.equal(second.upstream, first.upstream, c);
    placed.set(c, first.upstream);
  }
  // consistent hashing over random ports: usually spread, but all on one replica is possible and allowed
  t.diagnostic(`${conversations.length} conversations on ${new Set(placed.values()).size} replicas`);
});

test("a replica killed under load: its streams fail visibly, the rest complete, traffic moves over", async (t) => {
  // which replica each conversation is on
  const home = new Map<string, string>();
  for (const c of conversations) home.set(c, (await chat(c, 2)).upstream);
  const victimAddress = home.get(conversations[0]) as string;
  const victim = replicas.find((r) => new URL(r.url).host === victimAddress) as Proc;
  assert.ok(victim, `no replica at ${victimAddress}`);

  // three streams per conversation, the victim's long enough to be cut; it dies once all of its streams
  // have started (the others are short and may finish before)
  const victimStreams = 3 * conversations.filter((c) => home.get(c) === victimAddress).length;
  let started = 0;
  let killed: Promise<void> | undefined;
  const onVictimStart = () => {
    if (++started === victimStreams) killed = victim.kill();
  };
  const results = await Promise.all(
    conversations.flatMap((c) =>
      [0, 1, 2].map(() => {
        const mine = home.get(c) === victimAddress;
        return chat(c, mine ? 4000 : 40, mine ? onVictimStart : undefined).then((r) => ({ c, ...r }));
      }),
    ),
  );
  assert.ok(killed, `only ${started} of the killed replica's ${victimStreams} streams started`);
  await killed;
  const onVictim = results.filter((r) => r.upstream === victimAddress);
  const elsewhere = results.filter((r) => r.upstream !== victimAddress);
  t.diagnostic(
    `${results.length} streams: ${onVictim.length} on the killed replica (${onVictim.filter((r) => !r.done).length} failed), ` +
      `${elsewhere.filter((r) => r.done).length}/${elsewhere.length} elsewhere completed`,
  );
  assert.ok(onVictim.length > 0);
  for (const r of onVictim) assert.equal(r.done, false, `${r.c}: a stream on the killed replica completed`);
  for (const r of elsewhere) assert.ok(r.done, `${r.c} on ${r.upstream}: ${r.error ?? r.status}`);

  // afterwards every conversation is answered, the victim's by a surviving replica
  for (const c of conversations) {
    const r = await chat(c, 4);
    assert.ok(r.done, `${c} after the kill: ${r.error ?? r.status}`);
    assert.notEqual(r.upstream.split(", ").at(-1), victimAddress, c);
  }
});
