/**
 * @module Guardrails benchmark: the latency rails add to a chat request, measured in one run on one in-process
 * server (a tiny random-weight qwen3 unless --model), whose keys differ only in their rails: `none` (no rail),
 * `regex` (PII, secrets and injection input rails that flag, so every key's prompt is the same tokens, and PII
 * redaction and secret blocking on the streamed answer)
 * and `judged` (the model-judged input rail). Requests of the three keys are interleaved, so the machine's
 * noise falls on all of them; each judged request carries a new text, so the judge's cache never answers it
 * (a last pass repeats a text to time a cache hit). It also times the regex rails alone, in-process, on the
 * same texts.
 *
 *   npm run bench -- guardrails [--model DIR|GGUF] [--requests 12] [--max-tokens 32] [--quant q8_0]
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { makeTinyModel, type Quant } from "../src/checkpoint/index.js";
import { createEngine, loadModel, Scheduler } from "../src/engine/index.js";
import { Guardrails, OutputRail, parsePolicy } from "../src/guardrails/index.js";
import { startServer } from "../src/server/index.js";
import { median, quantile } from "./median.js";

const POLICY = `
judge:
  categories:
    - {name: violence, description: threats or glorified violence}
    - {name: self_harm, description: encouragement of self-harm}
rails:
  - {name: pii-in, stage: input, detectors: [pii], action: flag, scope: {keys: [regex]}}
  - {name: secrets-in, stage: input, detectors: [secrets], action: flag, scope: {keys: [regex]}}
  - {name: injection-in, stage: input, detectors: [injection], action: flag, scope: {keys: [regex]}}
  - {name: pii-out, stage: output, detectors: [pii], action: redact, scope: {keys: [regex]}}
  - {name: secrets-out, stage: output, detectors: [secrets], action: block, scope: {keys: [regex]}}
  - {name: judged-in, stage: input, sources: [user], detectors: [judge], action: flag, scope: {keys: [judged]}}
`;
const MODES = ["none", "regex", "judged"] as const;
type Mode = (typeof MODES)[number];

// about 1 KB of user text with PII in it, so the input rails have work
const TEXT = [
  "Hello, I need help with my account. My e-mail is maria.silva@example.com and my phone is +55 11 98765-4321.",
  "Last month I paid with the card 4111 1111 1111 1111 but the invoice still shows the old amount of R$ 1.250,00.",
  "My CPF is 529.982.247-25. The support agent told me to wait 5 business days, and it has been 12 now.",
  "The order number is 48213, shipped from Rua Augusta 1500, São Paulo. Could you check what happened and",
  "explain the next steps? I also want to update my address to Rua das Flores 245, apto 32, Curitiba.",
  "Thanks in advance; please answer briefly, in one paragraph, and tell me whether I need to send documents.",
].join(" ");

const sha = (key: string) => createHash("sha256").update(key).digest("hex");

/**
 * Runs the benchmark; prints per-mode latency and the ratios to `none`.
 * @example
 * await main(["--requests", "6"]);
 */
export async function main(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      model: { type: "string" },
      requests: { type: "string", default: "12" },
      "max-tokens": { type: "string", default: "32" },
      quant: { type: "string", default: "q8_0" },
    },
  });
  const requests = Number(values.requests);
  const maxTokens = Number(values["max-tokens"]);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "rio-bench-guard-"));
  process.env.RIO_CACHE_DIR ??= path.join(temp, "cache");
  const modelPath = values.model ?? path.join(temp, "tiny");
  if (!values.model) makeTinyModel({ arch: "qwen3", out: modelPath, seed: 1 });
  const keysFile = path.join(temp, "keys.yaml");
  fs.writeFileSync(
    keysFile,
    `keys:\n${MODES.map((m) => `  - {name: ${m}, sha256: "${sha(m)}"}`).join("\n")}\n`,
  );
  const model = loadModel(modelPath, { quant: values.quant as Quant });
  const engine = createEngine(model, { ctx: 8192, maxSequences: 4 });
  const scheduler = new Scheduler(engine, { maxQueue: 64 });
  const policy = parsePolicy(POLICY);
  const server = await startServer({
    model,
    scheduler,
    modelName: "bench",
    port: 0,
    logger: false,
    guardrails: policy,
    keysFile,
  });
  const ask = async (mode: Mode, text: string) => {
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${mode}` },
      body: JSON.stringify({
        messages: [{ role: "user", content: text }],
        max_tokens: maxTokens,
        temperature: 0,
        reasoning: { method: "cot" },
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    const body = await res.text();
    if (res.status !== 200)
      throw new Error(`bench guardrails: ${mode} got ${res.status}: ${body.slice(0, 200)}`);
    tokens[mode] += Number(body.match(/"completion_tokens":(\d+)/)?.[1] ?? 0);
    return performance.now() - started;
  };
  // the same work per mode: a redacted prompt could end its answer sooner
  const tokens: Record<Mode, number> = { none: 0, regex: 0, judged: 0 };
  const times: Record<Mode, number[]> = { none: [], regex: [], judged: [] };
  try {
    for (const mode of MODES) await ask(mode, `warm-up ${mode}: ${TEXT}`);
    for (let i = 0; i < requests; i++)
      // the order rotates, so no mode always runs first (or last) in a round
      for (let k = 0; k < MODES.length; k++) {
        const mode = MODES[(i + k) % MODES.length];
        times[mode].push(await ask(mode, `Request ${i} (${mode}). ${TEXT}`));
      }
    const hit = await ask("judged", `Request 0 (judged). ${TEXT}`);
    const judge = await (await fetch(`${server.url}/metrics`)).text();
    const stat = (name: string) => Number(judge.match(new RegExp(`^${name} (\\S+)`, "m"))?.[1] ?? Number.NaN);
    const base = median(times.none);
    console.log("mode     requests  tokens  p50 ms  p90 ms  mean ms  p50 vs none");
    for (const mode of MODES) {
      const xs = times[mode];
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      console.log(
        `${mode.padEnd(7)}  ${String(xs.length).padStart(8)}  ${String(tokens[mode]).padStart(6)}  ${median(xs).toFixed(1).padStart(6)}  ${quantile(xs, 0.9).toFixed(1).padStart(6)}  ${mean.toFixed(1).padStart(7)}  ${(median(xs) / base).toFixed(3).padStart(10)}x`,
      );
    }
    const calls = stat("rio_guardrail_judge_calls_total");
    console.log(
      `judge: ${calls} model calls, ${((1000 * stat("rio_guardrail_judge_seconds_total")) / calls).toFixed(1)} ms each; a cached verdict's request took ${hit.toFixed(1)} ms`,
    );
    await railsAlone(policy);
  } finally {
    await server.close(0);
    engine.close();
    model.free();
    fs.rmSync(temp, { recursive: true, force: true });
  }
  return times;
}

/** The regex rails alone: an input check of TEXT and a streamed answer of TEXT in 4-character chunks. */
async function railsAlone(policy: ReturnType<typeof parsePolicy>): Promise<void> {
  const rails = new Guardrails(policy).select({ key: "regex", policies: [] });
  const time = async (f: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await f();
    const xs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const started = performance.now();
      await f();
      xs.push(performance.now() - started);
    }
    return median(xs);
  };
  const input = await time(() => rails.checkInput(TEXT, "user"));
  const output = await time(async () => {
    const rail = new OutputRail(rails.on("answer"), "answer", undefined);
    for (let at = 0; at < TEXT.length; at += 4) rail.push(TEXT.slice(at, at + 4));
    return rail.finish();
  });
  const chunks = Math.ceil(TEXT.length / 4);
  console.log(
    `regex rails alone (${TEXT.length} chars): input check ${input.toFixed(3)} ms; streamed answer in ${chunks} chunks ${output.toFixed(3)} ms (${((1000 * output) / chunks).toFixed(1)} µs a chunk)`,
  );
}
