/**
 * @module Reads an operator's YAML file against a zod schema; every error names the file, the line and column,
 * and the field, such as `policy.yaml:7:13: rails.0.action: Invalid option: expected one of "block"|"redact"|"flag"`.
 */
import { readFileSync } from "node:fs";
import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";

/** A configuration file that does not parse or does not fit its schema. */
export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigFileError";
  }
}

/**
 * Parses `text` (from `file`, for messages) and checks it; `refine` adds checks across fields, throwing
 * `FieldError`s that get the same position.
 * @example
 * parseYaml("k.yaml", "keys: 3", z.object({ keys: z.array(z.string()) })); // throws "k.yaml:1:7: keys: Invalid input: expected array, received number"
 */
export function parseYaml<S extends z.ZodType>(
  file: string,
  text: string,
  schema: S,
  refine?: (value: z.infer<S>) => void,
): z.infer<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0)
    throw new ConfigFileError(`${at(doc.errors[0].pos[0])}: ${doc.errors[0].message}`);
  const where = (path: readonly PropertyKey[]) => {
    // the deepest node that exists along the path (a missing field points at its parent)
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return at(node.range[0]);
    }
    return `${file}:1:1`;
  };
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigFileError(`${where(issue.path)}: ${issue.path.join(".") || "(top)"}: ${issue.message}`);
  }
  try {
    refine?.(parsed.data);
  } catch (error) {
    if (error instanceof FieldError)
      throw new ConfigFileError(`${where(error.path)}: ${error.path.join(".")}: ${error.message}`);
    throw error;
  }
  return parsed.data;
}

/** A cross-field problem at `path`, thrown from a `refine` callback. */
export class FieldError extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

/** Reads and checks a YAML (or JSON) file. */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  refine?: (value: z.infer<S>) => void,
): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigFileError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseYaml(file, text, schema, refine);
}
