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

// ggml-rpc ends the client process when a server goes away (GGML_ABORT in ggml-rpc.cpp's
// RPC_STATUS_ASSERT): a process using remote devices cannot survive a lost server, so it must run where a
// supervisor restarts it (systemd Restart=, a Kubernetes pod, a replica behind the load balancer).
// Checked here in a child process so the failure stays visible and this test process stays up.
test("a lost RPC server ends the process using it with ggml's message", async () => {
  const server = await startRpcServer();
  servers.push(server);
  const script = path.join(root, "lost-server.mjs");
  const engineIndex = path.resolve(import.meta.dirname, "../../src/engine/index.js");
  const rpcIndex = path.resolve(import.meta.dirname, "../../src/rpc/index.js");
  fs.writeFileSync(
    script,
    `import { loadModel, createEngine } from ${JSON.stringify(engineIndex)};
import { useRpcServers } from ${JSON.stringify(rpcIndex)};
await useRpcServers([${JSON.stringify(server.endpoint)}]);
const model = loadModel(${JSON.stringify(dir)}, { quant: "f32" });
const engine = createEngine(model, { ctx: 256, prefixCache: false });
const seq = engine.openSequence();
await engine.step([{ seq, tokens: [300, 301], logits: "none" }]);
process.stdout.write("decoded\\n");
await new Promise((r) => process.stdin.once("data", r));
await engine.step([{ seq, tokens: [302] }]);
process.stdout.write("survived\\n");
`,
  );
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "pipe"], env: process.env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  while (!stdout.includes("decoded") && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  assert.match(stdout, /decoded/, stderr);
  server.stop();
  await new Promise((r) => server.child.once("exit", r));
  child.stdin.write("go\n");
  const { signal } = await exited;
  assert.doesNotMatch(stdout, /survived/);
  assert.equal(signal, "SIGABRT");
  assert.match(stderr, /Remote RPC server crashed or returned malformed response/);
});
