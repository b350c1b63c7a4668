/**
 * @module `rio plan`: whether a model fits given GPUs and RAM at a context length, from its GGUF or
 * config.json metadata alone (nothing is loaded), and the placement flags that make it fit.
 */
import { type Command, InvalidArgumentError } from "commander";
import {
  type FitPlan,
  gib,
  KV_TYPES,
  type KvType,
  modelFootprint,
  PLANNED_QUANTS,
  type PlannedQuant,
  planFit,
} from "../../engine/index.js";
import { integerParser, oneOf } from "../parsers.js";

interface PlanFlags {
  model: string;
  gpus: number[];
  ram?: number;
  ctx?: number;
  kvType: KvType;
  quant: PlannedQuant;
  seqs: number;
  json?: boolean;
}

const UNITS: Record<string, number> = {
  "": 1e9,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
  t: 1e12,
  tb: 1e12,
  tib: 2 ** 40,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
};

/** "80G" (decimal GB, as GPU and RAM sizes are sold), "79.6GiB", "512M". */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new InvalidArgumentError(`expected a size such as 80G, 80GB or 79.6GiB, got "${value}"`);
  return Number(m[1]) * unit;
}

/** "2x80G" or "80G,40G": one size per GPU. */
function parseGpus(value: string): number[] {
  return value.split(",").flatMap((part) => {
    const m = /^(\d+)\s*x\s*(.+)$/i.exec(part.trim());
    if (!m) return [parseSize(part)];
    const count = Number(m[1]);
    if (count < 1) throw new InvalidArgumentError(`expected at least one GPU in "${part}"`);
    return new Array(count).fill(parseSize(m[2]));
  });
}

function render(plan: FitPlan, flags: PlanFlags, ctx: number): string {
  const t = plan.totals;
  const lines = [
    `model: ${flags.model}`,
    `weights: ${gib(t.weights)}; KV cache: ${(t.kvPerPosition / 1024).toFixed(1)} KiB per position (${flags.kvType}), ` +
      `${gib(t.kvCache)} for ${ctx} positions; recurrent state: ${(t.recurrentPerSequence / 2 ** 20).toFixed(2)} MiB per sequence, ` +
      `${gib(t.recurrentState)} for ${flags.seqs}`,
    plan.fits ? `fits: ${plan.strategy}` : `does not fit: ${plan.reason}`,
    ...(plan.fits ? [`flags: ${plan.flags.join(" ")}`] : []),
    "device     weights      KV   state  compute    total / capacity",
    ...plan.devices.map(
      (d) =>
        `${d.device.padEnd(8)} ${gib(d.weights).padStart(9)} ${gib(d.kvCache).padStart(7)} ${gib(d.recurrentState).padStart(7)} ` +
        `${gib(d.compute).padStart(8)} ${gib(d.total).padStart(9)} / ${gib(d.capacity)}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  program
    .command("plan")
    .description("memory of a model per device and a placement that fits, from its metadata alone")
    .requiredOption("--model <path>", "GGUF file, Hugging Face folder or config.json")
    .option("--gpus <sizes>", "GPUs, e.g. 2x80G or 80G,48G (default: none)", parseGpus, [])
    .option("--ram <size>", "system RAM, e.g. 256G (default: unlimited)", parseSize)
    .option("--ctx <n>", "context positions (default: the model's trained length)", integerParser(1))
    .option("--kv-type <type>", `KV cache type: ${KV_TYPES.join(", ")}`, oneOf(KV_TYPES), "f16")
    .option(
      "--quant <type>",
      `quantisation a Hugging Face folder would be converted to: ${PLANNED_QUANTS.join(", ")} (GGUF: as stored)`,
      oneOf(PLANNED_QUANTS),
      "q8_0",
    )
    .option(
      "--seqs <n>",
      "sequences with their own state (rio serve: --max-sequences + 4 prefix-cache slots)",
      integerParser(1),
      1,
    )
    .option("--json", "one JSON object")
    .action((flags: PlanFlags) => {
      const model = modelFootprint(flags.model, flags.quant);
      const ctx = flags.ctx ?? model.nCtxTrain;
      const plan = planFit(model, {
        gpus: flags.gpus,
        ram: flags.ram ?? Number.POSITIVE_INFINITY,
        ctx,
        kvType: flags.kvType,
        sequences: flags.seqs,
      });
      process.stdout.write(flags.json ? `${JSON.stringify({ ctx, ...plan })}\n` : render(plan, flags, ctx));
      if (!plan.fits) process.exitCode = 2;
    });
}
