/**
 * @module Speech to text on the command line: the flags that pick an engine (--whisper-model FILE for
 * whisper.cpp, else Debian's pocketsphinx when installed) and opening it.
 */
import type { Command } from "commander";
import { createPocketsphinx, createWhisper, pocketsphinxMissing, type Transcriber } from "../audio/index.js";

/** Flags of the speech-to-text engine. */
export interface AudioFlags {
  whisperModel?: string;
  /** false with --no-speech (serve only). */
  speech?: boolean;
}

/** Adds --whisper-model. */
export function addAudioOptions(command: Command): Command {
  return command.option(
    "--whisper-model <file>",
    "speech to text with whisper.cpp and this ggml Whisper model (default: Debian's pocketsphinx, English)",
  );
}

/**
 * The engine the flags ask for: whisper.cpp with --whisper-model, else pocketsphinx.
 * @throws Error when the Whisper model cannot be loaded or pocketsphinx is not installed
 */
export async function openTranscriber(flags: AudioFlags): Promise<Transcriber> {
  if (flags.whisperModel) return createWhisper({ model: flags.whisperModel });
  return createPocketsphinx();
}

/**
 * The server's engine: as openTranscriber, except that without --whisper-model a missing pocketsphinx
 * leaves the server without speech to text (said on stderr) instead of failing; --no-speech turns it off.
 */
export async function serverTranscriber(flags: AudioFlags): Promise<Transcriber | undefined> {
  if (flags.speech === false) return undefined;
  if (flags.whisperModel) return createWhisper({ model: flags.whisperModel });
  const missing = pocketsphinxMissing();
  if (missing) {
    process.stderr.write(`rio serve: no speech to text: ${missing}, and no --whisper-model\n`);
    return undefined;
  }
  return createPocketsphinx();
}
