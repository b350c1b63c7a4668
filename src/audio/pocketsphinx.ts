/**
 * @module The embedded default recogniser: CMU pocketsphinx as Debian bookworm ships it (`pocketsphinx`
 * 0.8+5prealpha, its `pocketsphinx_continuous` program, and `pocketsphinx-en-us`: the US English
 * acoustic model, language model and dictionary). English only, and weak next to Whisper, but it ships
 * offline. Each transcription writes 16-bit PCM to a private temporary file and runs
 * `pocketsphinx_continuous -infile FILE -time yes` as a child process with a time limit; its output is one
 * hypothesis line per utterance followed by `word start end confidence` lines, which give the segments and
 * word timings.
 */
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { runTool, ToolRunError, withPrivateFile } from "../exec/index.js";
import {
  AudioInputError,
  pcm16,
  type TranscribeOptions,
  type Transcriber,
  type Transcript,
  type TranscriptSegment,
  type TranscriptWord,
} from "./transcriber.js";

/** Where Debian's pocketsphinx-en-us puts its model. */
export const POCKETSPHINX_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";

/** Options of createPocketsphinx. */
export interface PocketsphinxOptions {
  /** The `pocketsphinx_continuous` executable (default: found on PATH). */
  command?: string;
  /** Folder holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict` (default POCKETSPHINX_MODEL_DIR). */
  modelDir?: string;
  /** Time limit of one recognition in milliseconds (default 300 000). */
  timeMs?: number;
}

const COMMAND = "pocketsphinx_continuous";
const INSTALL = "apt-get install pocketsphinx pocketsphinx-en-us";

/** Why pocketsphinx cannot run here (no program, no model), or undefined when it can. */
export function pocketsphinxMissing(opts: PocketsphinxOptions = {}): string | undefined {
  const command = opts.command ?? COMMAND;
  const onPath = command.includes("/")
    ? existsSync(command)
    : (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
  if (!onPath) return `${command} was not found (${INSTALL})`;
  const dir = opts.modelDir ?? POCKETSPHINX_MODEL_DIR;
  for (const part of modelFiles(dir))
    if (!existsSync(part)) return `the pocketsphinx English model is missing: no ${part} (${INSTALL})`;
  return undefined;
}

const modelFiles = (dir: string) => [
  join(dir, "en-us"),
  join(dir, "en-us.lm.bin"),
  join(dir, "cmudict-en-us.dict"),
];

/**
 * The pocketsphinx engine.
 * @throws Error naming what is missing (the program or the model) and the Debian packages to install
 * @example
 * const sphinx = createPocketsphinx();
 * const { text } = await sphinx.transcribe(await decodeAudio(bytes));
 */
export function createPocketsphinx(opts: PocketsphinxOptions = {}): Transcriber {
  const missing = pocketsphinxMissing(opts);
  if (missing) throw new Error(`pocketsphinx cannot run: ${missing}`);
  const command = opts.command ?? COMMAND;
  const [hmm, lm, dict] = modelFiles(opts.modelDir ?? POCKETSPHINX_MODEL_DIR);
  return {
    name: "pocketsphinx",
    languages: ["en"],
    async transcribe(pcm: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
      if (options.language && options.language !== "en")
        throw new AudioInputError(
          `pocketsphinx recognises English only ("en"), not "${options.language}"; serve a Whisper model (--whisper-model) for other languages`,
          "unsupported-language",
        );
      return withPrivateFile("rio-sphinx-", "input.raw", pcm16(pcm), async (file) => {
        const args = ["-infile", file, "-time", "yes", "-logfn", "/dev/null", "-hmm", hmm, "-lm", lm];
        args.push("-dict", dict, "-samprate", "16000");
        const timeMs = opts.timeMs ?? 300_000;
        let run: Awaited<ReturnType<typeof runTool>>;
        try {
          run = await runTool(command, args, { timeMs, maxBytes: 16 << 20, signal: options.signal });
        } catch (error) {
          if (!(error instanceof ToolRunError)) throw error;
          throw new AudioInputError(
            `pocketsphinx: ${error.message}`,
            error.code === "timeout" ? "timeout" : "engine-failed",
          );
        }
        if (run.code !== 0)
          throw new AudioInputError(`pocketsphinx failed (exit ${run.code}): ${run.stderr}`, "engine-failed");
        return { ...parsePocketsphinx(run.stdout.toString("utf8")), language: "en" };
      });
    },
    async close() {},
  };
}

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/;

/**
 * Segments and words of `pocketsphinx_continuous -time yes` output: a hypothesis line per utterance, then
 * its words with start and end seconds. Fillers (`<s>`, `</s>`, `<sil>`, `[NOISE]`) are left out and
 * alternate pronunciations lose their mark (`president(2)` → `president`).
 */
export function parsePocketsphinx(output: string): Pick<Transcript, "text" | "segments" | "words"> {
  const segments: TranscriptSegment[] = [];
  const words: TranscriptWord[] = [];
  let current: { text: string; words: TranscriptWord[] } | undefined;
  const flush = () => {
    if (current?.text) {
      const first = current.words[0];
      const last = current.words.at(-1);
      segments.push({ start: first?.start ?? 0, end: last?.end ?? 0, text: current.text });
      words.push(...current.words);
    }
    current = undefined;
  };
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const word = WORD_LINE.exec(line);
    if (word && current) {
      const name = word[1];
      if (!/^<.*>$|^\[.*\]$|^\+\+.*\+\+$/.test(name))
        current.words.push({
          word: name.replace(/\(\d+\)$/, ""),
          start: Number(word[2]),
          end: Number(word[3]),
        });
      continue;
    }
    flush();
    current = { text: line, words: [] };
  }
  flush();
  return { text: segments.map((s) => s.text).join(" "), segments, words };
}
