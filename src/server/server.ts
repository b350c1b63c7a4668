/**
 * @module startServer: an OpenAI-compatible HTTP server over a loaded model and its scheduler (and its
 * response store and built-in tools), and its graceful shutdown (refuse new requests, let running ones
 * finish for a grace period, cancel the rest with a visible error, then close).
 */
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { ToolRunner } from "../agent/index.js";
import { OcrEngine } from "../documents/index.js";
import { type RioModel, type Scheduler, trainedContext } from "../engine/index.js";
import { Guardrails, type Policy } from "../guardrails/index.js";
import type { BuiltinTool, ToolLimits } from "../tools/index.js";
import { Admission } from "./admission.js";
import { buildApp } from "./app.js";
import type { AudioOptions } from "./audio-input.js";
import { KeyRing } from "./auth.js";
import { toolCallFormat } from "./chat-output.js";
import type { ServerContext } from "./context.js";
import type { DetectionOptions } from "./detection-route.js";
import type { DocumentInputOptions } from "./document-input.js";
import type { VisionOptions } from "./media-input.js";
import { Metrics } from "./metrics.js";
import { modelJudge } from "./model-judge.js";
import { RateLimiter } from "./rate-limit.js";
import { ResponseStore } from "./responses/store.js";

/** Options of startServer. */
export interface ServerOptions {
  model: RioModel;
  scheduler: Scheduler;
  /** The name clients pass as `model` (and /v1/models lists). */
  modelName: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** When set, /v1 routes need `Authorization: Bearer <apiKey>` (or a key of `keysFile`). */
  apiKey?: string;
  /**
   * A keys file (YAML: names, SHA-256 digests, policies, model allow-lists, rate limits); /v1 routes then need
   * one of its keys. Read at start; errors name the line and field.
   */
  keysFile?: string;
  /** Guardrails (loadPolicy("policy.yaml")); the policy's judge asks this server's model. */
  guardrails?: Policy;
  /** Requests waiting for a sequence before the server answers 429 (default 64). */
  maxQueue?: number;
  /** Reasoning method of requests that do not say (default "swir"). */
  reasoningDefault?: "swir" | "cot";
  /** Thinking budget of requests that set none (reasoning tokens; default: no limit). */
  reasoningBudget?: number;
  /** Largest request body in bytes (default 4 MiB). */
  bodyLimit?: number;
  /** Fastify's pino logger option (default: info level). */
  logger?: FastifyServerOptions["logger"];
  /**
   * Folder of the response store (`responses.sqlite`, kept across restarts); without it, stored responses
   * live in memory until the server closes.
   */
  dataDir?: string;
  /**
   * Built-in tools requests may use (`builtinTools(["code", "fetch"], ...)`); none by default. The server
   * warms them up before it listens and closes them when it closes.
   */
  builtinTools?: readonly BuiltinTool[];
  /** Limits per tool name over each tool's `defaultLimits`, e.g. `{ code: { timeMs: 5000 } }`. */
  toolLimits?: Readonly<Record<string, Partial<ToolLimits>>>;
  /** Most tool rounds of one answer (default DEFAULT_TOOL_STEPS). */
  toolSteps?: number;
  /** Image and video input through the model's vision encoder (its owner closes it after the server); none by default. */
  vision?: VisionOptions;
  /** POST /v1/rio/detections with this detector (its owner closes it after the server); off by default. */
  detection?: DetectionOptions;
  /**
   * File parts (PDF, DOCX, HTML, Markdown, text, images) read as text. By default files are taken, with OCR
   * in English when its traineddata is installed (the server makes and closes that engine); false refuses
   * files. An `ocr` engine given here is its owner's to close.
   */
  documents?: DocumentInputOptions | false;
  /**
   * Speech to text (POST /v1/audio/transcriptions and chat's input_audio parts) through this engine (its
   * owner closes it after the server); none by default.
   */
  audio?: AudioOptions;
}

/** Tool rounds of one answer when the operator does not say. */
export const DEFAULT_TOOL_STEPS = 4;

/** A listening server. */
export interface RioServer {
  /** Base URL, such as http://127.0.0.1:8000. */
  readonly url: string;
  readonly app: FastifyInstance;
  /**
   * Graceful shutdown: running requests get `graceMs` (default 10 s) to finish, then are cancelled with a 503
   * error; resolves when the scheduler has no sequence left, so the engine may be closed.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Resolves once no sequence is lent out: a cancelled request's sequence is freed only after the engine step
 * in flight ends, so after this the engine can be closed safely.
 */
async function stepsSettled(scheduler: Scheduler): Promise<void> {
  while (scheduler.activeSequences > 0) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * Starts listening.
 * @example
 * const server = await startServer({ model, scheduler, modelName: "qwen3-0.6b", port: 8000 });
 * // curl http://127.0.0.1:8000/v1/chat/completions -d '{"messages":[{"role":"user","content":"hi"}]}' -H 'content-type: application/json'
 * await server.close();
 */
export async function startServer(opts: ServerOptions): Promise<RioServer> {
  // SwiReasoning gives a soft input's left-out tail to the mean embedding row: one pass over the whole
  // table, done here rather than inside the first swir request's time to first token.
  opts.model.embeddings.meanRow();
  // a bad keys file fails here, before anything needs closing
  const keys = opts.keysFile
    ? KeyRing.load(opts.keysFile, Object.keys(opts.guardrails?.policies ?? {}), opts.apiKey)
    : opts.apiKey
      ? KeyRing.single(opts.apiKey)
      : undefined;
  const capacity = opts.scheduler.engine.capacity;
  const admission = new Admission(opts.scheduler.engine.maxSequences + (opts.maxQueue ?? 64), capacity);
  const tools = opts.builtinTools?.length ? new ToolRunner(opts.builtinTools, opts.toolLimits) : undefined;
  // Pyodide's first load takes seconds: paid here, not by the first request that runs code
  await tools?.warmUp().catch(async (error) => {
    await tools.close();
    throw error;
  });
  const ownOcr = opts.documents === undefined ? defaultOcr() : undefined;
  const documents = opts.documents === false ? undefined : (opts.documents ?? { ocr: ownOcr });
  const context: ServerContext = {
    model: opts.model,
    scheduler: opts.scheduler,
    modelName: opts.modelName,
    defaults: {
      reasoning: opts.reasoningDefault ?? "swir",
      // one request's positions stay within the model's trained (or YaRN-extended) length, even when the
      // sequences share more cells than that
      contextLength: Math.min(capacity, trainedContext(opts.model.gguf).max || capacity),
      sequenceShare: Math.floor(capacity / opts.scheduler.engine.maxSequences),
      vocabSize: opts.model.embeddings.vocabSize,
      reasoningBudget: opts.reasoningBudget,
    },
    toolFormat: toolCallFormat(opts.model.architecture),
    admission,
    responses: ResponseStore.open(opts.dataDir),
    tools,
    toolSteps: opts.toolSteps ?? DEFAULT_TOOL_STEPS,
    vision: opts.vision,
    detection: opts.detection,
    documents,
    audio: opts.audio,
    guardrails: undefined,
    keys,
    limits: new RateLimiter(),
    metrics: new Metrics({
      // waiting for a sequence, or for context cells (admission.context)
      queueDepth: () => opts.scheduler.queueDepth + (admission.context?.waiting ?? 0),
      activeSequences: () => opts.scheduler.activeSequences,
      inFlightRequests: () => admission.generations,
      prefixCache: () => opts.scheduler.engine.prefixCacheStats,
      judge: () => context.guardrails?.judge?.stats,
    }),
  };
  const judgeCategories = opts.guardrails?.judge?.categories;
  if (opts.guardrails)
    context.guardrails = new Guardrails(
      opts.guardrails,
      judgeCategories && modelJudge(context, judgeCategories),
    );
  const app = buildApp(context, {
    // images, files and chat's audio travel as base64: room for a few of them when the server takes them
    bodyLimit: opts.bodyLimit ?? (opts.vision || documents || opts.audio ? 64 : 4) * 1024 * 1024,
    logger: opts.logger ?? { level: "info" },
    draining: () => admission.closing,
  });
  const address = await app
    .listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 8000 })
    .catch(async (error) => {
      context.responses.close();
      await tools?.close();
      await ownOcr?.close();
      throw error;
    });
  let closing: Promise<void> | undefined;
  return {
    url: address,
    app,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        await admission.drain(graceMs);
        await app.close();
        context.responses.close();
        await tools?.close();
        await ownOcr?.close();
        await stepsSettled(opts.scheduler);
      })();
      return closing;
    },
  };
}

// English OCR when its traineddata is installed; the Tesseract worker starts at the first image
function defaultOcr(): OcrEngine | undefined {
  try {
    return new OcrEngine(["eng"]);
  } catch {
    return undefined;
  }
}
