/**
 * @module whisper.cpp for an operator's own ggml Whisper model (`--whisper-model FILE`, e.g. ggml-base.en.bin
 * from the whisper.cpp project; no package ships Whisper weights), through `@fugood/whisper.node` 1.1.1 and
 * its prebuilt `@fugood/node-whisper-linux-x64` addon (CPU). The model loads once; each transcription runs
 * on the addon's worker thread (off the event loop), one at a time per model.
 */
import { existsSync, statSync } from "node:fs";
import {
  AudioInputError,
  pcm16,
  type TranscribeOptions,
  type Transcriber,
  type Transcript,
} from "./transcriber.js";

/** Options of createWhisper. */
export interface WhisperOptions {
  /** The ggml Whisper model file. */
  model: string;
  /** CPU threads of one transcription (default 4). */
  threads?: number;
}

interface WhisperResult {
  language?: string;
  result: string;
  segments: { text: string; t0: number; t1: number }[];
  isAborted: boolean;
}
interface WhisperContext {
  transcribeData(
    pcm: ArrayBuffer,
    options: Record<string, unknown>,
  ): { stop(): Promise<void>; promise: Promise<WhisperResult> };
  release(): Promise<void>;
}

// a variable, so that tsc does not type-check the package's TypeScript sources
const PACKAGE = "@fugood/whisper.node";

/**
 * Loads a ggml Whisper model.
 * @throws Error when the file is missing or whisper.cpp cannot load it, or the addon is not installed
 * @example
 * const whisper = await createWhisper({ model: "models/ggml-base.en.bin" });
 * const { text, language } = await whisper.transcribe(pcm);
 */
export async function createWhisper(opts: WhisperOptions): Promise<Transcriber> {
  if (!existsSync(opts.model) || !statSync(opts.model).isFile())
    throw new Error(
      `--whisper-model ${opts.model}: no such file (a ggml Whisper model, e.g. ggml-base.en.bin)`,
    );
  let binding: { initWhisper(options: Record<string, unknown>): Promise<WhisperContext> };
  try {
    binding = await import(PACKAGE);
  } catch (error) {
    throw new Error(`whisper.cpp is not installed (${PACKAGE} 1.1.1): ${(error as Error).message}`);
  }
  let context: WhisperContext;
  try {
    context = await binding.initWhisper({ filePath: opts.model, useGpu: false });
  } catch (error) {
    throw new Error(
      `--whisper-model ${opts.model}: whisper.cpp cannot load it: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  // one transcription at a time: a whisper context holds one decoding state
  let queue: Promise<unknown> = Promise.resolve();
  return {
    name: "whisper.cpp",
    languages: "any",
    transcribe(pcm: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
      const run = queue.then(async () => {
        options.signal?.throwIfAborted();
        const data = new Uint8Array(pcm16(pcm)).buffer;
        const job = context.transcribeData(data, {
          language: options.language ?? "auto",
          maxThreads: opts.threads ?? 4,
          ...(options.prompt ? { prompt: options.prompt } : {}),
        });
        const onAbort = () => void job.stop();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        try {
          const result = await job.promise;
          if (result.isAborted) throw options.signal?.reason ?? new Error("transcription aborted");
          const segments = result.segments.map((s) => ({
            start: s.t0 / 1000,
            end: s.t1 / 1000,
            text: s.text.trim(),
          }));
          return {
            text: result.result.trim(),
            segments,
            language: result.language || options.language || "auto",
          };
        } catch (error) {
          if (error instanceof Error && error === options.signal?.reason) throw error;
          throw new AudioInputError(`whisper.cpp failed: ${(error as Error).message}`, "engine-failed");
        } finally {
          options.signal?.removeEventListener("abort", onAbort);
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    close: () => context.release(),
  };
}
