/**
 * @module `rio chat [--model PATH]`: an interactive multi-turn chat. The history is kept between turns;
 * /reset clears it, /method swir|cot and /switch N change SwiReasoning settings, /image FILE shows an
 * image with the next message (models with a vision tower), /file FILE includes a document's text (PDF,
 * DOCX, HTML, Markdown, text; OCR for images and scans) with the next message, /exit quits. Ctrl-C
 * stops the answer being generated (not the program); Ctrl-C at the prompt quits. With --builtin-tools
 * the model may call them; each call and result is shown as it happens and kept in the history.
 */
import * as readline from "node:readline/promises";
import type { Command } from "commander";
import { ToolRunner } from "../../agent/index.js";
import type { MediaEmbeddings } from "../../engine/index.js";
import type { ChatContentPart, ChatMessage } from "../../tokenizer/index.js";
import type { ImageEncoder } from "../../vision/index.js";
import { DocumentReader } from "../documents.js";
import { addGenerationOptions, type GenerationFlags, requestFromFlags } from "../generation-flags.js";
import { addModelOptions, type ModelFlags, openSession } from "../session.js";
import { streamAnswer } from "../stream-answer.js";
import { addToolOptions, type ToolFlags, toolsFromFlags } from "../tool-flags.js";
import { encodeImageFile, openVision } from "../vision.js";

interface ChatFlags extends ModelFlags, GenerationFlags, ToolFlags {
  system?: string;
  hideReasoning?: boolean;
}

const HELP =
  "commands: /reset (clear history), /method swir|cot, /switch N (max switch count), /image FILE (show an image with the next message), /file FILE (include a document's text with the next message), /exit";

/** The conversation: messages, the images they show (in order), and images waiting for the next message. */
interface Conversation {
  history: ChatMessage[];
  media: MediaEmbeddings[];
  pending: MediaEmbeddings[];
}

/** Applies a slash command to the flags or conversation; returns a message for the user. */
function command(line: string, flags: ChatFlags, chat: Conversation): string {
  const [name, arg] = line.slice(1).trim().split(/\s+/);
  if (name === "reset") {
    chat.history.splice(flags.system ? 1 : 0);
    chat.media.length = 0;
    chat.pending.length = 0;
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
    .description(
      "interactive multi-turn chat (history kept; /reset, /method swir|cot, /switch N, /image FILE, /file FILE, /exit)",
    )
    .option("--system <text>", "a system prompt")
    .option("--hide-reasoning", "do not print the reasoning");
  addModelOptions(cmd, { ctx: 8192 });
  addGenerationOptions(cmd, { maxSwitchCount: 2 });
  addToolOptions(cmd);
  cmd.action(async (flags: ChatFlags) => {
    const tools = new ToolRunner(toolsFromFlags(flags));
    const session = openSession(flags, { maxSequences: 1 });
    const history: ChatMessage[] = flags.system ? [{ role: "system", content: flags.system }] : [];
    const chat: Conversation = { history, media: [], pending: [] };
    // opened at the first /image: building libmtmd the first time takes about a minute
    let encoder: ImageEncoder | undefined;
    const reader = new DocumentReader(flags.ocrLanguages);
    // documents read with /file, put before the next message
    const pendingFiles: string[] = [];
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
        const image = /^\/image\s+(.+)$/.exec(line.trim());
        if (image) {
          encoder ??= await openVision(session, flags);
          const encoded = await encodeImageFile(encoder, image[1]).catch((error: Error) => error);
          if (encoded instanceof Error) process.stdout.write(`${encoded.message}\n`);
          else {
            chat.pending.push(encoded);
            process.stdout.write(
              `${image[1]}: ${encoded.nTokens} image tokens, shown with your next message\n`,
            );
          }
          continue;
        }
        const file = /^\/file\s+(.+)$/.exec(line.trim());
        if (file) {
          const text = await reader.read(file[1]).catch((error: Error) => error);
          if (text instanceof Error) process.stdout.write(`${text.message}\n`);
          else {
            pendingFiles.push(text);
            const tokens = session.model.tokenizer.encode(text).length;
            process.stdout.write(`${file[1]}: ${tokens} tokens of text, included with your next message\n`);
          }
          continue;
        }
        if (line.startsWith("/")) {
          process.stdout.write(`${command(line, flags, chat)}\n`);
          continue;
        }
        const images: ChatContentPart[] = chat.pending.map(() => ({ type: "image" }));
        const text = pendingFiles.length > 0 ? `${pendingFiles.splice(0).join("\n\n")}\n\n${line}` : line;
        history.push({
          role: "user",
          content: images.length ? [...images, { type: "text", text }] : text,
        });
        chat.media.push(...chat.pending.splice(0));
        answering = new AbortController();
        try {
          const answer = await streamAnswer(
            session,
            { ...requestFromFlags(flags), messages: history, media: chat.media, signal: answering.signal },
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
      await reader.close();
      session.close();
    }
  });
}
