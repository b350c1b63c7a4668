/**
 * @module Reads a tokenizer folder: tokenizer.json, tokenizer_config.json and the chat template, which newer
 * checkpoints keep in chat_template.jinja (it wins over the config, as in transformers).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TokenizerError } from "./tokenizer-error.js";

/** The raw contents of a tokenizer folder. */
export interface TokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  chatTemplate?: string;
}

/** Loads the files from `dir`; only tokenizer.json is required. */
export function readTokenizerFiles(dir: string): TokenizerFiles {
  const tokenizerJson = readJson(join(dir, "tokenizer.json"), true) ?? {};
  const configFile = join(dir, "tokenizer_config.json");
  const tokenizerConfig = readJson(configFile, false) ?? {};
  const templateFile = join(dir, "chat_template.jinja");
  const chatTemplate = existsSync(templateFile)
    ? readFileSync(templateFile, "utf8")
    : configTemplate(tokenizerConfig, configFile);
  return { tokenizerJson, tokenizerConfig, chatTemplate };
}

/** `chat_template` is a string, or a list of `{ name, template }` where "default" is the chat one. */
export function configTemplate(
  config: Record<string, unknown>,
  file = "tokenizer_config.json",
): string | undefined {
  const value = config.chat_template;
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    const named = value.find((t) => t?.name === "default") ?? value[0];
    if (typeof named?.template === "string") return named.template;
  }
  throw new TokenizerError("expected a string or a list of { name, template }", file, "chat_template");
}

function readJson(file: string, required: boolean): Record<string, unknown> | undefined {
  if (!existsSync(file)) {
    if (required) throw new TokenizerError("file not found", file);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new TokenizerError(`not valid JSON: ${(err as Error).message}`, file);
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new TokenizerError("expected a JSON object", file);
  }
  return value as Record<string, unknown>;
}
