// Dependency-graph lint: each layer under src/ may import only the layers listed here, and only through
// their index.ts. Fails CI with the offending file and import.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const allowed = {
  checkpoint: [],
  tokenizer: [],
  llama: [],
  kernels: [],
  documents: [],
  tools: ["detection", "vision", "documents"],
  exec: [],
  native: [],
  rpc: ["native", "llama", "checkpoint"],
  vision: ["llama", "checkpoint", "exec", "native"],
  audio: ["exec"],
  detection: ["vision"],
  reference: ["checkpoint", "vision"],
  tasks: ["tokenizer"],
  eval: ["tasks", "decoding", "engine", "tokenizer"],
  engine: ["llama", "checkpoint", "tokenizer", "kernels"],
  decoding: ["engine", "tokenizer", "kernels"],
  agent: ["decoding", "tokenizer", "tools"],
  guardrails: [],
  server: [
    "decoding",
    "tokenizer",
    "engine",
    "agent",
    "tools",
    "vision",
    "detection",
    "documents",
    "audio",
    "guardrails",
  ],
  cli: [
    "checkpoint",
    "tokenizer",
    "llama",
    "engine",
    "reference",
    "decoding",
    "server",
    "tasks",
    "eval",
    "agent",
    "tools",
    "vision",
    "detection",
    "documents",
    "audio",
    "guardrails",
    "native",
    "rpc",
  ],
};

const src = resolve("src");
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith(".ts")) files.push(path);
  }
};
walk(src);

const problems = [];
for (const file of files) {
  const layer = relative(src, file).split("/")[0];
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(/(?:import|export)[^"']*?from\s+["'](\.[^"']+)["']/g)) {
    const target = resolve(dirname(file), match[1]);
    const rel = relative(src, target).split("/");
    const targetLayer = rel[0];
    if (targetLayer === layer || rel[0] === "..") continue;
    if (!(allowed[layer] ?? []).includes(targetLayer)) {
      problems.push(`${relative(".", file)}: layer '${layer}' may not import '${targetLayer}' (${match[1]})`);
    } else if (!(rel.length === 2 && rel[1] === "index.js")) {
      problems.push(`${relative(".", file)}: import '${targetLayer}' through its index.ts, not ${match[1]}`);
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`layers ok (${files.length} files)`);
