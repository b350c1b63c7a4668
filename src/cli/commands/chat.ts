/**
 * @module `rio chat [--model PATH]`: an interactive multi-turn chat. The history is kept between turns;
 * /reset clears it, /method swir|cot and /switch N change SwiReasoning settings, /exit quits. Ctrl-C
 * stops the answer being generated (not the program); Ctrl-C at the prompt quits. With --builtin-tools
 * the model may call them; each call and result is shown as it happens and kept in the history.
 */
import * as readline from "node:readline/promises";
import type { Command } from "commander";
import { ToolRunner } from "../../agent/index.js";
import type { ChatMessage } from "../../tokenizer/index.js";
import { addGenerationOptions, type GenerationFlags, requestFromFlags } from "../generation-flags.js";
import { addModelOptions, type ModelFlags, openSession } from "../session.js";
import { streamAnswer } from "../stream-answer.js";
import { addToolOptions, type ToolFlags, toolsFromFlags } from "../tool-flags.js";

interface ChatFlags extends ModelFlags, GenerationFlags, ToolFlags {
  system?: string;
  hideReasoning?: boolean;
}

const HELP = "commands: /reset (clear history), /method swir|cot, /switch N (max switch count), /exit";

/** Applies a slash command to the flags or history; returns a message for the user. */
function command(line: string, flags: ChatFlags, history: ChatMessage[]): string {
  const [name, arg] = line.slice(1).trim().split(/\s+/);
  if (name === "reset") {
    history.splice(flags.system ? 1 : 0);
    return "history cleared";
  }
  if (name === "method" && (arg === "swir" || arg === "cot")) {
    flags.reasoning = arg;
    return `reasoning method: ${arg}`;
  }
  if (name === "switch" && /^\d+$/.test(arg ?? "") && Number(arg) >= 1) {
    flags.maxSwitchCount = Number(arg);
    return `max switch count: ${arg}`;
  }
  return `unknown command ${JSON.stringify(line)}; ${HELP}`;
}

export function register(program: Command): void {
  const cmd = program
    .command("chat")
    .description("interactive multi-turn chat (history kept; /reset, /method swir|cot, /switch N, /exit)")
    .option("--system <text>", "a system prompt")
    .option("--hide-reasoning", "do not print the reasoning");
  addModelOptions(cmd, { ctx: 8192 });
  addGenerationOptions(cmd, { maxSwitchCount: 2 });
  addToolOptions(cmd);
  cmd.action(async (flags: ChatFlags) => {
    const tools = new ToolRunner(toolsFromFlags(flags));
    const session = openSession(flags, { maxSequences: 1 });
    const history: ChatMessage[] = flags.system ? [{ role: "system", content: flags.system }] : [];
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    let answering: AbortController | undefined;
    // Ctrl-C while answering stops the answer; at the prompt it closes the chat.
    rl.on("SIGINT", () => (answering ? answering.abort() : rl.close()));
    let closed = false;
    rl.on("close", () => {
      closed = true;
    });
    process.stdout.write(`${HELP}\n`);
    try {
      while (!closed) {
        const line = await rl.question("> ").catch(() => undefined);
        if (line === undefined || line.trim() === "/exit") break;
        if (line.trim() === "") continue;
        if (line.startsWith("/")) {
          process.stdout.write(`${command(line, flags, history)}\n`);
          continue;
        }
        history.push({ role: "user", content: line });
        answering = new AbortController();
        try {
          const answer = await streamAnswer(
            session,
            { ...requestFromFlags(flags), messages: history, signal: answering.signal },
            { hideReasoning: flags.hideReasoning },
            { runner: tools, maxSteps: flags.toolSteps },
          );
          history.push(...answer.toolMessages, {
            role: "assistant",
            content: answer.content.trim(),
            reasoning_content: answer.reasoning.trim(),
          });
        } finally {
          answering = undefined;
        }
        process.stdout.write("\n");
      }
    } finally {
      rl.close();
      await tools.close();
      session.close();
    }
  });
}
