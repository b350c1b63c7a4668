/**
 * @module `rio render`: prints the chat-template rendering of a conversation (or its token ids) exactly as the
 * engine would see it.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { type ChatMessage, RioTokenizer } from "../../tokenizer/index.js";

interface RenderFlags {
  model: string;
  messages: string;
  tools?: string;
  thinking: boolean;
  generationPrompt: boolean;
  ids?: boolean;
}

export function register(program: Command): void {
  program
    .command("render")
    .description("render a chat with the model's chat template (text, or token ids with --ids)")
    .requiredOption("--model <dir>", "checkpoint folder, or a folder holding only the tokenizer files")
    .requiredOption("--messages <file>", "JSON file: an array of chat messages (or { messages: [...] })")
    .option("--tools <file>", "JSON file: an array of OpenAI-style tool definitions")
    .option("--no-thinking", "pass enable_thinking=false to the template")
    .option("--no-generation-prompt", "leave out the assistant turn header")
    .option("--ids", "print a JSON array of token ids instead of the text")
    .action((flags: RenderFlags) => {
      const tokenizer = RioTokenizer.fromDir(flags.model);
      const parsed = readJson(flags.messages, "messages");
      const messages = (Array.isArray(parsed) ? parsed : parsed?.messages) as ChatMessage[];
      if (!Array.isArray(messages))
        throw new Error(`${flags.messages}: expected an array of messages or { messages }`);
      const tools = flags.tools ? readJson(flags.tools, "tools") : undefined;
      if (tools !== undefined && !Array.isArray(tools))
        throw new Error(`${flags.tools}: expected an array of tools`);
      const opts = {
        tools,
        addGenerationPrompt: flags.generationPrompt,
        enableThinking: flags.thinking ? undefined : false,
      };
      if (flags.ids) process.stdout.write(`${JSON.stringify(tokenizer.encodeChat(messages, opts))}\n`);
      else process.stdout.write(tokenizer.renderChat(messages, opts));
    });
}

// biome-ignore lint/suspicious/noExplicitAny: user JSON is checked by the caller
function readJson(file: string, what: string): any {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file}: cannot read ${what} JSON: ${(err as Error).message}`);
  }
}
