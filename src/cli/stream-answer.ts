/**
 * @module Runs one generation for run and chat and prints it: the answer on stdout, the reasoning dimmed
 * on stderr (or hidden), or with --json one JSON object per step then a summary line.
 */
import { type GenerateRequest, type GenerateSummary, generate, preparePrompt } from "../decoding/index.js";
import { ReasoningParser } from "../tokenizer/index.js";
import type { Session } from "./session.js";

/** How to print. */
export interface PrintOptions {
  hideReasoning?: boolean;
  json?: boolean;
}

/** What the model said, split, and the generation summary. */
export interface Answer {
  content: string;
  reasoning: string;
  summary: GenerateSummary;
}

const dim = (text: string) => (process.stderr.isTTY ? `\x1b[2m${text}\x1b[22m` : text);

/** Generates and prints one answer. */
export async function streamAnswer(
  session: Session,
  request: GenerateRequest,
  print: PrintOptions,
): Promise<Answer> {
  const { tokens, opensReasoning } = preparePrompt(session.model, request);
  const parser = new ReasoningParser({ startsInReasoning: opensReasoning });
  const answer = { content: "", reasoning: "" };
  const show = (events: ReturnType<ReasoningParser["feed"]>) => {
    for (const event of events) {
      if (event.kind === "content") {
        answer.content += event.text;
        if (!print.json) process.stdout.write(event.text);
      } else {
        answer.reasoning += event.text;
        if (!print.json && !print.hideReasoning) process.stderr.write(dim(event.text));
      }
    }
  };
  const steps = generate(session.model, session.scheduler, {
    ...request,
    messages: undefined,
    prompt: tokens,
  });
  let result = await steps.next();
  while (!result.done) {
    if (print.json) process.stdout.write(`${JSON.stringify(result.value)}\n`);
    show(parser.feed(result.value.text));
    result = await steps.next();
  }
  show(parser.finish());
  const summary = result.value;
  if (print.json) process.stdout.write(`${JSON.stringify({ summary })}\n`);
  else
    process.stderr.write(
      dim(
        `\n[${summary.tokens} tokens, ${summary.latentSteps} latent, ${summary.switches} switches, ` +
          `${summary.timings.decodeTokensPerSecond.toFixed(1)} tok/s, stop: ${summary.stopReason}]\n`,
      ),
    );
  return { ...answer, summary };
}
