/**
 * @module `rio run [--model PATH] "prompt"`: one answer, streamed. Reads the prompt from stdin when none is
 * given. With no --model it runs the embedded rio-nano. --file puts a document's text (OCR'd where it is an
 * image or a scan) before the prompt. With --builtin-tools the model may call them, and
 * each call and its result is shown as it happens.
 */
import type { Command } from "commander";
import { ToolRunner } from "../../agent/index.js";
import type { ChatMessage } from "../../tokenizer/index.js";
import { DocumentReader } from "../documents.js";
import { addGenerationOptions, type GenerationFlags, requestFromFlags } from "../generation-flags.js";
import { collect } from "../parsers.js";
import { addModelOptions, type ModelFlags, openSession } from "../session.js";
import { streamAnswer } from "../stream-answer.js";
import { addToolOptions, type ToolFlags, toolsFromFlags } from "../tool-flags.js";
import { encodeImageFile, openVision } from "../vision.js";

interface RunFlags extends ModelFlags, GenerationFlags, ToolFlags {
  image: string[];
  file: string[];
  hideReasoning?: boolean;
  json?: boolean;
  system?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function register(program: Command): void {
  const command = program
    .command("run")
    .description("generate one answer to a prompt (from the arguments or stdin) and stream it")
    .argument("[prompt...]", "the user message (default: read stdin)")
    .option("--system <text>", "a system prompt")
    .option("--image <file>", "a PNG or JPEG the message shows (repeatable)", collect, [])
    .option(
      "--file <file>",
      "a PDF, DOCX, HTML, Markdown, text or image file whose text the message includes (repeatable)",
      collect,
      [],
    )
    .option("--hide-reasoning", "do not print the reasoning")
    .option("--json", 'print one JSON object per decoding step, then {"summary": {...}}');
  addModelOptions(command, { ctx: 4096 });
  addGenerationOptions(command, {});
  addToolOptions(command);
  command.action(async (words: string[], flags: RunFlags) => {
    const prompt = words.length > 0 ? words.join(" ") : process.stdin.isTTY ? "" : await readStdin();
    if (prompt.trim() === "") throw new Error("rio run: give a prompt as an argument or on stdin");
    const reader = new DocumentReader(flags.ocrLanguages);
    const files: string[] = [];
    try {
      for (const file of flags.file) files.push(await reader.read(file));
    } finally {
      await reader.close();
    }
    const text = files.length > 0 ? `${files.join("\n\n")}\n\n${prompt}` : prompt;
    const tools = new ToolRunner(toolsFromFlags(flags));
    const session = openSession(flags, { maxSequences: 1, quiet: flags.json });
    try {
      const encoder = flags.image.length > 0 ? await openVision(session, flags) : undefined;
      const media = [];
      for (const file of flags.image) media.push(await encodeImageFile(encoder, file));
      const images = media.map(() => ({ type: "image" as const }));
      const messages: ChatMessage[] = [
        ...(flags.system ? [{ role: "system" as const, content: flags.system }] : []),
        { role: "user", content: images.length ? [...images, { type: "text", text }] : text },
      ];
      await streamAnswer(
        session,
        { ...requestFromFlags(flags), messages, media },
        { hideReasoning: flags.hideReasoning, json: flags.json },
        { runner: tools, maxSteps: flags.toolSteps },
      );
    } finally {
      await tools.close();
      session.close();
    }
  });
}
