/**
 * @module `rio serve`: the OpenAI-compatible server over one model (the embedded rio-nano without
 * --model), with the built-in tools --builtin-tools enables; with --rpc, in a supervised child process
 * (serve-supervisor.ts). SIGINT/SIGTERM shut it down gracefully; a
 * second signal exits at once.
 */
import * as os from "node:os";
import * as path from "node:path";
import type { Command } from "commander";
import { centernetDetector } from "../../detection/index.js";
import { OcrEngine, shippedLanguages } from "../../documents/index.js";
import { loadPolicy } from "../../guardrails/index.js";
import { startServer } from "../../server/index.js";
import { type AudioFlags, addAudioOptions, serverTranscriber } from "../audio.js";
import { integerParser, oneOf } from "../parsers.js";
import { SERVE_CHILD_ENV, superviseServe } from "../serve-supervisor.js";
import { addModelOptions, type ModelFlags, openSession } from "../session.js";
import { addToolOptions, type ToolFlags, toolsFromFlags } from "../tool-flags.js";
import { openVision } from "../vision.js";

interface ServeFlags extends ModelFlags, ToolFlags, AudioFlags {
  host: string;
  port: number;
  apiKey?: string;
  maxSequences: number;
  maxImages: number;
  maxQueue: number;
  servedModelName?: string;
  reasoningDefault: "swir" | "cot";
  reasoningBudget?: number;
  shutdownGrace: number;
  dataDir?: string;
  detection?: boolean;
  detectionModel?: string;
  guardrails?: string;
  keysFile?: string;
}

/** Where Rio keeps what it writes for itself (the response store): $RIO_DATA_DIR, else ~/.local/share/rio. */
function defaultDataDir(): string {
  return process.env.RIO_DATA_DIR || path.join(os.homedir(), ".local", "share", "rio");
}

/** The name clients use: --served-model-name, else the folder or file name, else "rio-nano". */
function modelName(flags: ServeFlags): string {
  if (flags.servedModelName) return flags.servedModelName;
  return flags.model ? path.basename(path.resolve(flags.model)).replace(/\.gguf$/i, "") : "rio-nano";
}

export function register(program: Command): void {
  const command = program
    .command("serve")
    .description(
      "serve the model over an OpenAI-compatible HTTP API (chat, completions, responses, models, health, metrics)",
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "TCP port (0 = any free port)", integerParser(0), 8000)
    .option("--api-key <key>", "require Authorization: Bearer <key> on /v1 routes (default: env RIO_API_KEY)")
    .option("--max-sequences <n>", "requests decoded together (continuous batching)", integerParser(1), 8)
    .option(
      "--max-images <n>",
      "most images in one request (models with a vision tower)",
      integerParser(1),
      8,
    )
    .option(
      "--max-queue <n>",
      "requests waiting for a sequence before the server answers 429",
      integerParser(0),
      64,
    )
    .option(
      "--served-model-name <name>",
      "the model name clients send (default: the model's folder or file name)",
    )
    .option(
      "--reasoning-default <method>",
      "reasoning of requests that do not say: swir or cot",
      oneOf(["swir", "cot"] as const),
      "swir",
    )
    .option(
      "--reasoning-budget <n>",
      "thinking budget of requests that set none: most reasoning tokens before the answer (default: no limit)",
      integerParser(1),
    )
    .option(
      "--shutdown-grace <ms>",
      "on SIGINT/SIGTERM, how long running requests may finish before they are cancelled",
      integerParser(0),
      10_000,
    )
    .option(
      "--data-dir <dir>",
      "folder of the stored responses of /v1/responses (default: env RIO_DATA_DIR, else ~/.local/share/rio)",
    )
    .option(
      "--guardrails <policy.yaml>",
      "input and output guardrails (PII and secret redaction, injection checks, word lists, a model-judged policy); see README Guardrails",
    )
    .option(
      "--keys-file <keys.yaml>",
      "API keys as SHA-256 digests, each with its guardrail policies, model allow-list and rate limits (--api-key still works beside it)",
    )
    .option("--detection", "serve POST /v1/rio/detections with the shipped CenterNet COCO detector")
    .option(
      "--detection-model <dir>",
      "a folder with your own centernet.json and weights (same inputs and outputs) for the endpoint and detect_objects; implies --detection",
    );
  // with --rpc the engine runs in a supervised child (serve-supervisor.ts); only that child uses the servers
  const engineProcess = () => process.env[SERVE_CHILD_ENV] === "1";
  addModelOptions(command, { ctx: 16384 }, engineProcess);
  addToolOptions(command);
  addAudioOptions(command).option(
    "--no-speech",
    "no speech to text (the transcription endpoint and audio parts)",
  );
  command.action(async (flags: ServeFlags) => {
    // a bad policy file fails before the model loads, naming its line and field
    const guardrails = flags.guardrails ? loadPolicy(flags.guardrails) : undefined;
    if (flags.rpc && !engineProcess()) {
      await superviseServe(flags.host, flags.port);
      process.exit(0);
    }
    const detector =
      flags.detection || flags.detectionModel
        ? centernetDetector({ modelDir: flags.detectionModel })
        : undefined;
    const builtinTools = toolsFromFlags(flags, detector);
    // OCR for file parts and for images a model without vision reads (English traineddata ships with Rio)
    const shipped = shippedLanguages();
    const serverOcr = flags.ocrLanguages.every((lang) => shipped.includes(lang))
      ? new OcrEngine(flags.ocrLanguages)
      : undefined;
    if (!serverOcr)
      process.stderr.write(`rio serve: no OCR (traineddata installed: ${shipped.join(", ") || "none"})\n`);
    const session = openSession(flags, { maxSequences: flags.maxSequences, maxQueue: flags.maxQueue });
    const encoder = await openVision(session, flags);
    const transcriber = await serverTranscriber(flags);
    const server = await startServer({
      model: session.model,
      scheduler: session.scheduler,
      modelName: modelName(flags),
      host: flags.host,
      port: flags.port,
      apiKey: flags.apiKey ?? (process.env.RIO_API_KEY || undefined),
      keysFile: flags.keysFile,
      guardrails,
      maxQueue: flags.maxQueue,
      reasoningDefault: flags.reasoningDefault,
      reasoningBudget: flags.reasoningBudget,
      dataDir: flags.dataDir ?? defaultDataDir(),
      builtinTools,
      toolSteps: flags.toolSteps,
      ...(detector && {
        detection: { detector, fetch: { allowPrivate: flags.fetchAllowPrivate === true } },
      }),
      documents: {
        ocr: serverOcr,
        roots: flags.fileRoot,
        fetch: { allowPrivate: flags.fetchAllowPrivate === true },
      },
      ...(encoder && {
        vision: {
          encoder,
          maxImages: flags.maxImages,
          fetch: { allowPrivate: flags.fetchAllowPrivate === true },
        },
      }),
      ...(transcriber && { audio: { transcriber } }),
    });
    const toolNote = [
      ...(builtinTools.length > 0 ? [builtinTools.map((t) => t.name).join(", ")] : []),
      ...(encoder ? ["image input"] : []),
      ...(detector ? ["object detection"] : []),
      ...(transcriber ? [`speech to text (${transcriber.name})`] : []),
    ]
      .map((note, i) => (i === 0 ? ` with ${note}` : `, ${note}`))
      .join("");
    process.stderr.write(`rio serve: ${modelName(flags)} on ${server.url}/v1${toolNote}\n`);
    const shutdown = async (signal: string) => {
      process.stderr.write(
        `rio serve: ${signal}, finishing running requests (up to ${flags.shutdownGrace} ms)\n`,
      );
      await server.close(flags.shutdownGrace);
      await detector?.close();
      await serverOcr?.close();
      await transcriber?.close();
      session.close();
      process.exit(0);
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        process.once(signal, () => process.exit(130));
        void shutdown(signal);
      });
  });
}
