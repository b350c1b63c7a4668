/**
 * @module reference/config
 * Config keys that only some architectures need: read them through `need` so a missing key fails at
 * load with its name rather than as a NaN deep inside a forward pass.
 */
import type { TextConfig } from "../checkpoint/index.js";

/** `config[key]`, or an error naming the key when the architecture needs it and config.json lacks it. */
export function need<K extends keyof TextConfig>(config: TextConfig, key: K): NonNullable<TextConfig[K]> {
  const v = config[key];
  if (v === undefined || v === null)
    throw new Error(`config.json: ${config.model_type} needs "${String(key)}"`);
  return v as NonNullable<TextConfig[K]>;
}
