/** `npm run bench -- <decode|swir|serve|kernels|guardrails> [options]`: Rio's benchmarks (never run two at once on a 2-core machine). */
const [name, ...args] = process.argv.slice(2);
const benches: Record<string, () => Promise<{ main(args: string[]): Promise<unknown> }>> = {
  decode: () => import("./decode.js"),
  swir: () => import("./swir.js"),
  serve: () => import("./serve.js"),
  kernels: () => import("./kernels.js"),
  guardrails: () => import("./guardrails.js"),
};
const load = benches[name ?? ""];
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join("|")}> [--json]`);
  process.exit(2);
}
await (await load()).main(args);
