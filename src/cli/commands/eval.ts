/**
 * @module `rio eval`: accuracy against generated tokens on a built-in suite (held-out problems of Rio's
 * families) or a JSON-lines file, for cot and SwiReasoning at several token budgets, with a progress bar,
 * a table, `--json` lines and, with `--out`, the records and a chart (SVG and PNG).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import type { ReasoningOptions } from "../../decoding/index.js";
import {
  type EvalItem,
  type EvalMethod,
  type EvalRow,
  fileItems,
  renderChart,
  runEval,
  SUITES,
  suiteItems,
} from "../../eval/index.js";
import { FAMILIES, type FamilyName } from "../../tasks/index.js";
import { integerParser, listOf, numberParser, oneOf } from "../parsers.js";
import { addModelOptions, type ModelFlags, openSession } from "../session.js";

interface EvalFlags extends ModelFlags {
  suite?: string;
  file?: string;
  count: number;
  families?: FamilyName[];
  methods: ("cot" | "swir")[];
  budgets: number[];
  temperature?: number;
  samples: number;
  alpha?: number[];
  beta?: number[];
  window?: number[];
  maxSwitchCount?: number[];
  concurrency: number;
  json?: boolean;
  out?: string;
}

/** A comma-separated list, each entry parsed by `one`. */
/** cot, and one swir method per combination of the knob values given (the label names them). */
function methodsOf(flags: EvalFlags): EvalMethod[] {
  const knobs: [string, keyof Extract<ReasoningOptions, { method: "swir" }>, number[] | undefined][] = [
    ["alpha0", "alpha0", flags.alpha],
    ["beta0", "beta0", flags.beta],
    ["window", "window", flags.window],
    ["switches", "max_switch_count", flags.maxSwitchCount],
  ];
  let variants: { label: string[]; options: Record<string, number> }[] = [{ label: [], options: {} }];
  for (const [name, key, values] of knobs) {
    if (!values) continue;
    variants = variants.flatMap((v) =>
      values.map((x) => ({ label: [...v.label, `${name}=${x}`], options: { ...v.options, [key]: x } })),
    );
  }
  return flags.methods.flatMap((method) =>
    method === "cot"
      ? [{ label: "cot", reasoning: { method: "cot" } as ReasoningOptions }]
      : variants.map((v) => ({
          label: v.label.length ? `swir(${v.label.join(",")})` : "swir",
          reasoning: { method: "swir", ...v.options } as ReasoningOptions,
        })),
  );
}

function table(rows: EvalRow[]): string {
  const families = [...new Set(rows.flatMap((r) => Object.keys(r.by_family)))];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const header = ["method", "budget", "accuracy", "mean tokens", "n", ...families];
  const lines = rows.map((r) => [
    r.method,
    String(r.budget),
    pct(r.accuracy),
    r.mean_tokens.toFixed(1),
    String(r.n),
    ...families.map((f) => (r.by_family[f] ? pct(r.by_family[f].accuracy) : "")),
  ]);
  return [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

export function register(program: Command): void {
  const command = program
    .command("eval")
    .description("accuracy against generated tokens, for cot and SwiReasoning at several token budgets")
    .option(
      "--suite <name>",
      `built-in suite: ${Object.entries(SUITES)
        .map(([k, v]) => `${k} (${v.description})`)
        .join("; ")}`,
    )
    .option("--file <file.jsonl>", 'JSON lines {"question", "answer"} (GSM8K\'s "#### N" answers accepted)')
    .option("--count <n>", "questions of a built-in suite", integerParser(1), 300)
    .option(
      "--families <list>",
      `only these families of a suite: ${FAMILIES.join(",")}`,
      listOf(oneOf(FAMILIES)),
    )
    .option("--methods <list>", "cot, swir or both", listOf(oneOf(["cot", "swir"] as const)), ["cot", "swir"])
    .option(
      "--budgets <list>",
      "token budgets (reasoning included)",
      listOf(integerParser(1)),
      [128, 256, 512, 1024],
    )
    .option(
      "--temperature <t>",
      "sampling temperature (0: greedy; default: the model's generation_config.json)",
      numberParser(0, 2),
    )
    .option("--samples <n>", "samples per question", integerParser(1), 1)
    .option("--alpha <list>", "SwiReasoning alpha0 values to sweep", listOf(numberParser(0, 1)))
    .option("--beta <list>", "SwiReasoning beta0 values to sweep", listOf(numberParser(0, 1)))
    .option("--window <list>", "SwiReasoning window values to sweep", listOf(integerParser(0)))
    .option("--max-switch-count <list>", "SwiReasoning switch limits to sweep", listOf(integerParser(1)))
    .option("--concurrency <n>", "requests in flight at once (engine sequences)", integerParser(1), 8)
    .option(
      "--json",
      "one JSON line per method and budget: {method, budget, accuracy, mean_tokens, n, by_family}",
    )
    .option("--out <dir>", "write rows.jsonl, records.jsonl, table.md, chart.svg and chart.png there");
  addModelOptions(command, { ctx: 8192 });
  command.action(async (flags: EvalFlags) => {
    if (!!flags.suite === !!flags.file)
      throw new Error("rio eval: give exactly one of --suite NAME and --file FILE.jsonl");
    const items: EvalItem[] = flags.file
      ? fileItems(flags.file)
      : suiteItems(flags.suite as string, flags.count, flags.families);
    const methods = methodsOf(flags);
    const longest = Math.max(...flags.budgets);
    const session = openSession(
      { ...flags, ctx: Math.max(flags.ctx ?? flags.defaultCtx ?? 0, flags.concurrency * (longest + 256)) },
      { maxSequences: flags.concurrency, maxQueue: 1 << 20, quiet: true },
    );
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: "eval [{bar}] {value}/{total} generations | {duration_formatted} | eta {eta_formatted}",
      },
      cliProgress.Presets.shades_classic,
    );
    try {
      bar.start(methods.length * flags.budgets.length * items.length * flags.samples, 0);
      const { rows, records } = await runEval(session.model, session.scheduler, items, {
        methods,
        budgets: flags.budgets,
        temperature: flags.temperature,
        samples: flags.samples,
        concurrency: flags.concurrency,
        onProgress: (done) => bar.update(done),
      });
      bar.stop();
      if (flags.json) for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
      else process.stdout.write(`${table(rows)}\n`);
      if (flags.out) {
        fs.mkdirSync(flags.out, { recursive: true });
        const lines = (xs: object[]) => xs.map((x) => `${JSON.stringify(x)}\n`).join("");
        fs.writeFileSync(path.join(flags.out, "rows.jsonl"), lines(rows));
        fs.writeFileSync(path.join(flags.out, "records.jsonl"), lines(records));
        fs.writeFileSync(path.join(flags.out, "table.md"), `${table(rows)}\n`);
        const source = flags.file ? path.basename(flags.file) : `suite ${flags.suite}`;
        const chart = await renderChart(
          rows,
          `${path.basename(session.model.source)}: ${source}, ${items.length} questions`,
        );
        fs.writeFileSync(path.join(flags.out, "chart.svg"), chart.svg);
        fs.writeFileSync(path.join(flags.out, "chart.png"), chart.png);
        process.stderr.write(`wrote ${flags.out}/{rows.jsonl,records.jsonl,table.md,chart.svg,chart.png}\n`);
      }
    } finally {
      bar.stop();
      session.close();
    }
  });
}
