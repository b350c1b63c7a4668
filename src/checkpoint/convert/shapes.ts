/**
 * @module The GGUF tensors (names and PyTorch-order shapes) a config converts to, planned by the
 * architecture's rules over the tensor list the config implies, without any checkpoint data: what the
 * fit planner sizes and what tests write shaped-but-empty GGUF files from.
 */
import { CheckpointError } from "../errors.js";
import { expectedTensors } from "../tensor-specs.js";
import type { TextConfig } from "../text-config.js";
import { conversionRules } from "./rules.js";

/** `general.architecture` and the GGUF tensors of `config`; `source` names the config in errors. */
export function ggufTensorShapes(
  config: TextConfig,
  source: string,
): { architecture: string; tensors: { name: string; shape: number[] }[] } {
  const rules = conversionRules(config.model_type);
  if (!rules)
    throw new CheckpointError(
      `${source}: model_type ${config.model_type} has no GGUF conversion rules`,
      source,
    );
  const shapes = new Map(expectedTensors(config).map((s) => [s.name, s.shape]));
  const plans = rules.tensors(
    {
      dir: source,
      tensorNames: () => [...shapes.keys()],
      info: (name) => ({ name, dtype: "BF16", shape: shapes.get(name) ?? [] }),
      readFloat32: () => {
        throw new Error("ggufTensorShapes reads no tensor data");
      },
    },
    config,
  );
  return { architecture: rules.architecture, tensors: plans.map((p) => ({ name: p.name, shape: p.shape })) };
}
