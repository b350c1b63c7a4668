/**
 * @module rio command line: wires every layer together. Each command lives in `commands/<name>.ts`
 * and exports `register(program)`.
 */
import { Command } from "commander";
import * as convert from "./commands/convert.js";
import * as makeTiny from "./commands/make-tiny.js";
import * as render from "./commands/render.js";

const program = new Command()
  .name("rio")
  .description("Rio: Qwen3-family reasoning models with SwiReasoning, on llama.cpp")
  .version("0.1.0");

const commands: Array<{ register(program: Command): void }> = [
  convert,
  makeTiny,
  render,
];
for (const command of commands) command.register(program);

await program.parseAsync(process.argv);
