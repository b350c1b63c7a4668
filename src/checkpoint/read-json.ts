/** @module Reading one of a checkpoint's JSON files, with an error that names it. */
import * as fs from "node:fs";
import { CheckpointError } from "./errors.js";

/**
 * The parsed JSON of `file`.
 * @throws CheckpointError naming the file when it cannot be read or parsed
 */
export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new CheckpointError(`${file}: cannot read (${(err as Error).message})`, file);
  }
}
