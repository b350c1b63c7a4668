/**
 * @module rio command line: wires every layer together. Each command lives in `commands/<name>.ts`
 * and exports `register(program)`.
 */
import { Command } from "commander";
import * as chat from "./commands/chat.js";
import * as convert from "./commands/convert.js";
import * as evaluate from "./commands/eval.js";
import * as info from "./commands/info.js";
import * as makeTiny from "./commands/make-tiny.js";
import * as plan from "./commands/plan.js";
import * as render from "./commands/render.js";
import * as rpcServer from "./commands/rpc-server.js";
import * as run from "./commands/run.js";
import * as serve from "./commands/serve.js";
import * as tasks from "./commands/tasks.js";
import * as transcribe from "./commands/transcribe.js";

const program = new Command()
  .name("rio")
  .description("Rio: Qwen3-family reasoning models with SwiReasoning, on llama.cpp")
  .version("0.1.0");

const commands: Array<{ register(program: Command): void }> = [
  chat,
  convert,
  evaluate,
  info,
  makeTiny,
  plan,
  render,
  rpcServer,
  run,
  serve,
  tasks,
  transcribe,
];
for (const command of commands) command.register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Users get the specific message; RIO_DEBUG=1 adds the stack.
  const message =
    error instanceof Error ? (process.env.RIO_DEBUG ? error.stack : error.message) : String(error);
  process.stderr.write(`rio: ${message}\n`);
  process.exitCode = 1;
}
