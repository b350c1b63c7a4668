// llama.cpp's RPC backend across processes on loopback: two `rio rpc-server`s, a tiny model split over
// both (every layer remote), and the same logits as the local engine within the conformance suite's
// batch-vs-single bound — for prompt tokens and for SwiReasoning's inputs (embedding rows and a mixture
// of two rows fed as one decoding step). Bad and unreachable endpoints are refused before ggml, which
// would abort the process, sees them.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import type { Engine, RioModel } from "../../src/engine/index.js";
import { loadModel } from "../../src/engine/index.js";
import { addLlamaLogListener } from "../../src/llama/index.js";
import { ensureRpcBackend, parseEndpoints, useRpcServers } from "../../src/rpc/index.js";
import { SAME_FUNCTION_LOGPROB } from "../conformance/bounds.js";
import { engineLogits, exactEngine } from "../conformance/harness.js";
import { compareLogits } from "../conformance/metrics.js";
import { freePort, type RpcServerProcess, startRpcServer } from "./rpc-servers.js";

let root: string;
let dir: string;
const servers: RpcServerProcess[] = [];
const prompt = Array.from({ length: 40 }, (_, i) => 300 + ((i * 53) % 3000));

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-rpc-"));
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  dir = path.join(root, "tiny");
  makeTinyModel({ arch: "qwen3_5_moe", out: dir, seed: 4, dtype: "f32" });
  await ensureRpcBackend();
});
after(() => {
  for (const s of servers) s.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Prompt logits, then decoding steps fed as embedding rows and as a 0.7/0.3 mixture of two rows. */
async function run(model: RioModel): Promise<Float32Array[]> {
  const engine: Engine = exactEngine(model);
  try {
    const rows = await engineLogits(engine, prompt);
    const seq = engine.openSequence();
    try {
      await engine.step([{ seq, tokens: prompt, logits: "none" }]);
      const a = model.embeddings.row(1000);
      const b = model.embeddings.row(2000);
      const mixture = a.map((v, i) => 0.7 * v + 0.3 * b[i]);
      for (const embedding of [a, mixture, b]) {
        const [[logits]] = await engine.step([{ seq, embedding }]);
        rows.push(logits.slice());
      }
    } finally {
      engine.release(seq);
    }
    return rows;
  } finally {
    engine.close();
  }
}

test("endpoints are checked before ggml sees them", async () => {
  assert.throws(() => parseEndpoints("localhost"), /RPC server "localhost": expected host:port/);
  assert.throws(() => parseEndpoints("a:1,b:99999"), /"b:99999": expected host:port/);
  const closed = `127.0.0.1:${await freePort()}`;
  await assert.rejects(useRpcServers([closed]), new RegExp(`RPC server ${closed} is not reachable`));
});

test("a tiny model split over two RPC servers gives the local logits, embedding inputs included", async (t) => {
  const local = loadModel(dir, { quant: "f32" });
  const expected = await run(local);
  local.free();

  servers.push(await startRpcServer(), await startRpcServer());
  const devices = await useRpcServers(servers.map((s) => s.endpoint));
  assert.deepEqual(
    devices.map((d) => d.description),
    servers.map((s) => s.endpoint),
  );
  let log = "";
  const stop = addLlamaLogListener((text) => {
    log += text;
  });
  const remote = loadModel(dir, { quant: "f32" });
  stop();
  try {
    // llama.cpp splits layers over the RPC devices in proportion to their free memory
    for (const d of devices)
      assert.match(log, new RegExp(`layer +\\d+ assigned to device ${d.name}\\b`), d.name);
    const got = await run(remote);
    const agreement = compareLogits(expected, got);
    assert.equal(got.length, prompt.length + 3);
    t.diagnostic(
      `RPC vs local over ${got.length} positions: max |Δ log p| ${agreement.max_abs_logprob_diff}, max |Δ logit| ${agreement.max_abs_logit_diff}`,
    );
    assert.ok(
      agreement.max_abs_logprob_diff <= SAME_FUNCTION_LOGPROB,
      `max |Δ log p| = ${agreement.max_abs_logprob_diff}`,
    );
  } finally {
    remote.free();
  }
});

// ggml-rpc ends the process that uses a lost server (GGML_ABORT in ggml-rpc.cpp's RPC_STATUS_ASSERT), so
// rio serve --rpc runs the engine in a child: a lost RPC server ends that child, not the server.
test("rio serve --rpc: a lost RPC server fails the request visibly and the server stays up", async () => {
  const server = await startRpcServer();
  servers.push(server);
  const port = await freePort();
  const { spawn } = await import("node:child_process");
  const cli = path.resolve(import.meta.dirname, "../../src/cli/main.js");
  const serve = spawn(
    process.execPath,
    [
      cli,
      "serve",
      "--model",
      dir,
      "--rpc",
      server.endpoint,
      "--port",
      String(port),
      "--no-speech",
      "--ctx",
      "4096",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  serve.stderr.on("data", (d) => {
    stderr += d;
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      const health = await fetch(`${url}/health`).catch(() => undefined);
      if (health?.ok) break;
      assert.ok(i < 240 && serve.exitCode === null, `rio serve never became healthy: ${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "tiny",
        messages: [{ role: "user", content: "Hi" }],
        max_tokens: 3000,
        stream: true,
      }),
    });
    assert.equal(response.status, 200);
    let text = "";
    let failure = "";
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        text += Buffer.from(chunk).toString("utf8");
        if (text.includes("data: ") && server.child.exitCode === null && server.child.signalCode === null)
          server.stop();
      }
    } catch (e) {
      failure = (e as Error).message;
    }
    assert.doesNotMatch(text, /data: \[DONE\]/, "the stream completed although its RPC server was lost");
    assert.ok(failure || !text.includes("[DONE]"));
    // the supervisor is still there and says the engine is not running
    let health = 0;
    for (let i = 0; i < 80 && health !== 503; i++) {
      health = (await fetch(`${url}/health`)).status;
      if (health !== 503) await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(health, 503);
    const next = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "Hi" }], max_tokens: 4 }),
    });
    assert.equal(next.status, 503);
    assert.match(JSON.stringify(await next.json()), /the engine is not running \(the engine process ended/);
    assert.equal(serve.exitCode, null);
    // ggml-rpc aborts the engine; should the engine hang instead, the supervisor's liveness probe kills it
    assert.match(stderr, /Remote RPC server crashed or returned malformed response|did not answer \/health/);
  } finally {
    const exited = new Promise((r) => serve.once("exit", r));
    serve.kill("SIGTERM");
    await exited;
  }
});
