/**
 * @module Bytes handed to an external tool as a file: the tools Rio runs (ffmpeg, ffprobe,
 * pocketsphinx) read files, and a private folder keeps the request's bytes from other local users.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes `bytes` to `name` in a fresh temporary folder readable by this user only (`prefix` names the
 * folder), runs `use` on its path, and removes the folder afterwards whatever `use` did.
 * @example
 * const run = await withPrivateFile("rio-audio-", "input", bytes, (file) => runTool("ffprobe", [file], { maxBytes: 1 << 16 }));
 */
export async function withPrivateFile<T>(
  prefix: string,
  name: string,
  bytes: Uint8Array,
  use: (file: string) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    const file = join(dir, name);
    writeFileSync(file, bytes, { mode: 0o600 });
    return await use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * ffmpeg/ffprobe arguments that let an input read only local files and only the demuxers in `formats`
 * (comma-separated), so a playlist or concat file cannot make it open anything else.
 */
export const ffmpegInputGuard = (formats: string): string[] => [
  "-protocol_whitelist",
  "file",
  "-format_whitelist",
  formats,
];
