/**
 * @module Placement flags of every command that loads a model, spelled as llama.cpp's common arguments:
 * --gpu-layers, --split-mode, --main-gpu, --tensor-split, --override-tensor, --cpu-moe, --n-cpu-moe, and
 * --rpc (remote llama.cpp RPC servers whose devices take layers, registered before the model loads).
 */
import { type Command, InvalidArgumentError } from "commander";
import type { PlacementOptions } from "../engine/index.js";
import { SPLIT_MODES, type SplitMode, type TensorOverride } from "../llama/index.js";
import { parseEndpoints, useRpcServers } from "../rpc/index.js";
import { integerParser, listOf, numberParser, oneOf } from "./parsers.js";

/** The flags as commander stores them. */
export interface PlacementFlags {
  gpuLayers?: number;
  splitMode?: SplitMode;
  mainGpu?: number;
  tensorSplit?: number[];
  overrideTensor: TensorOverride[];
  cpuMoe?: boolean;
  nCpuMoe?: number;
  rpc?: string[];
}

/** `PATTERN=BUFFER_TYPE` (llama.cpp's `--override-tensor`), collected in order. */
function overrideParser(value: string, previous: TensorOverride[]): TensorOverride[] {
  const eq = value.lastIndexOf("=");
  if (eq <= 0 || eq === value.length - 1)
    throw new InvalidArgumentError(
      `expected PATTERN=BUFFER_TYPE (e.g. "\\.ffn_.*_exps=CPU"), got "${value}"`,
    );
  return [...previous, { pattern: value.slice(0, eq), bufferType: value.slice(eq + 1) }];
}

/**
 * Adds the placement flags to `command`; --rpc servers are checked and registered before its action,
 * unless `rpcInProcess()` says this process must not touch them (rio serve's supervisor).
 */
export function addPlacementOptions(command: Command, rpcInProcess: () => boolean = () => true): Command {
  command.hook("preAction", async (cmd) => {
    const servers = (cmd.opts() as PlacementFlags).rpc;
    if (servers && rpcInProcess())
      await useRpcServers(servers, { onProgress: (m) => process.stderr.write(`${m}\n`) });
  });
  return command
    .option(
      "--gpu-layers <n>",
      "layers offloaded to GPUs (-1 all, the default when a GPU exists)",
      integerParser(-1),
    )
    .option(
      "--split-mode <mode>",
      `how layers spread over several GPUs: ${Object.keys(SPLIT_MODES).join(", ")} (default layer)`,
      oneOf(Object.keys(SPLIT_MODES) as SplitMode[]),
    )
    .option("--main-gpu <i>", "GPU index used for the whole model with --split-mode none", integerParser(0))
    .option("--tensor-split <p,...>", "proportion of the model per GPU, e.g. 3,1", listOf(numberParser(0)))
    .option(
      "--override-tensor <pattern=buft>",
      "put tensors whose name matches the regex on a buffer type, e.g. '\\.ffn_.*_exps=CPU' (repeatable)",
      overrideParser,
      [],
    )
    .option("--cpu-moe", "keep all MoE expert weights in CPU memory")
    .option(
      "--rpc <host:port,...>",
      "llama.cpp RPC servers (rio rpc-server) whose devices take the model's layers, first",
      parseEndpoints,
    )
    .option(
      "--n-cpu-moe <n>",
      "keep the MoE expert weights of the first N layers in CPU memory",
      integerParser(0),
    );
}

/** loadModel's placement options from the flags. */
export function placementFromFlags(flags: PlacementFlags): PlacementOptions {
  return {
    gpuLayers: flags.gpuLayers,
    splitMode: flags.splitMode,
    mainGpu: flags.mainGpu,
    tensorSplit: flags.tensorSplit,
    overrides: flags.overrideTensor,
    cpuMoe: flags.cpuMoe,
    nCpuMoe: flags.nCpuMoe,
  };
}
