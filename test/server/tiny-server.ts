/**
 * @module Test fixture: a tiny random-weight qwen3 model (real Qwen3 tokenizer and chat template) served on
 * loopback port 0, with an `openai` client pointed at it. One per test file: loading takes seconds.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import OpenAI from "openai";
import { makeTinyModel } from "../../src/checkpoint/index.js";
import { createEngine, loadModel, type RioModel, Scheduler } from "../../src/engine/index.js";
import { type ErrorBody, type RioServer, type ServerOptions, startServer } from "../../src/server/index.js";

/** A running tiny server. */
export interface TinyServer {
  server: RioServer;
  client: OpenAI;
  model: RioModel;
  scheduler: Scheduler;
  /** POSTs raw JSON (or any string) and returns status, headers and the parsed body (tests read errors from it). */
  post(
    route: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: ErrorBody }>;
  /** The Prometheus value of an unlabelled metric. */
  metric(name: string): Promise<number>;
  close(): Promise<void>;
}

export const MODEL_NAME = "tiny-qwen3";

/**
 * Makes the template open `<think>` in the generation prompt (as Qwen3.5's does) unless enable_thinking is
 * false: the random model never writes `<think>` itself, so this is how its output becomes reasoning.
 */
function openThinkInTemplate(file: string): void {
  const config = JSON.parse(fs.readFileSync(file, "utf8"));
  const closing = "{%- endif %}\n{%- endif %}";
  if (!config.chat_template.endsWith(closing))
    throw new Error(`${file}: chat_template does not end as the Qwen3 template does`);
  config.chat_template = `${config.chat_template.slice(0, -closing.length)}{%- else %}{{- '<think>\\n' }}\n${closing}`;
  fs.writeFileSync(file, JSON.stringify(config));
}

/** Makes, loads and serves the tiny model (random, unless `makeModel` writes another checkpoint to `dir`). */
export async function startTinyServer(
  opts: {
    maxSequences?: number;
    ctx?: number;
    opensThinking?: boolean;
    makeModel?: (dir: string) => void;
  } & Partial<ServerOptions> = {},
): Promise<TinyServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "rio-server-"));
  process.env.RIO_CACHE_DIR = path.join(root, "cache");
  const dir = path.join(root, "tiny");
  (opts.makeModel ?? ((out) => makeTinyModel({ arch: "qwen3", out, seed: 7 })))(dir);
  if (opts.opensThinking) openThinkInTemplate(path.join(dir, "tokenizer_config.json"));
  const model = loadModel(dir, { quant: "f16" });
  const engine = createEngine(model, { ctx: opts.ctx ?? 4096, maxSequences: opts.maxSequences ?? 8 });
  const scheduler = new Scheduler(engine, { maxQueue: 256 });
  const server = await startServer({
    model,
    scheduler,
    modelName: MODEL_NAME,
    port: 0,
    logger: false,
    ...opts,
  });
  const client = new OpenAI({
    baseURL: `${server.url}/v1`,
    apiKey: opts.apiKey ?? "none",
    maxRetries: 0,
    timeout: 120_000,
  });
  const post: TinyServer["post"] = async (route, body, headers = {}) => {
    const res = await fetch(`${server.url}${route}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text.startsWith("{") ? JSON.parse(text) : text };
  };
  const metric = async (name: string) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    if (!line) throw new Error(`metric ${name} not found`);
    return Number(line.split(" ")[1]);
  };
  return {
    server,
    client,
    model,
    scheduler,
    post,
    metric,
    async close() {
      await server.close(0);
      engine.close();
      model.free();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
