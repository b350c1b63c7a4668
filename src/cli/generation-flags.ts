/** @module Sampling and SwiReasoning flags of run and chat, turned into a GenerateRequest. */
import type { Command } from "commander";
import type { GenerateRequest, ReasoningOptions } from "../decoding/index.js";
import { integerParser, numberParser, oneOf } from "./parsers.js";

/** The flags addGenerationOptions defines. */
export interface GenerationFlags {
  reasoning: "swir" | "cot";
  maxSwitchCount?: number;
  alpha?: number;
  beta?: number;
  window?: number;
  maxTokens: number;
  thinkingBudget?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
  thinking: boolean;
}

/** Adds the generation flags to a command. */
export function addGenerationOptions(command: Command, defaults: { maxSwitchCount?: number }): Command {
  return command
    .option(
      "--reasoning <method>",
      "swir (SwiReasoning) or cot (plain chain of thought)",
      oneOf(["swir", "cot"] as const),
      "swir",
    )
    .option(
      "--max-switch-count <n>",
      "SwiReasoning switch-count control (convergence, then termination)",
      integerParser(1),
      defaults.maxSwitchCount,
    )
    .option(
      "--alpha <a>",
      "SwiReasoning alpha0: soft-embedding weight at a switch into latent",
      numberParser(0, 1),
    )
    .option(
      "--beta <b>",
      "SwiReasoning beta0: soft-embedding weight at a switch into explicit",
      numberParser(0, 1),
    )
    .option("--window <n>", "SwiReasoning: explicit steps before a switch back to latent", integerParser(0))
    .option("--max-tokens <n>", "most tokens to generate", integerParser(1), 1024)
    .option(
      "--thinking-budget <n>",
      "most reasoning tokens: then the reasoning is closed and the answer follows",
      integerParser(1),
    )
    .option("--temperature <t>", "sampling temperature (0 = greedy)", numberParser(0, 100))
    .option("--top-p <p>", "nucleus sampling mass", numberParser(0, 1))
    .option("--top-k <k>", "keep the k most likely tokens (0 = off)", integerParser(0))
    .option("--min-p <p>", "drop tokens below min-p times the top probability", numberParser(0, 1))
    .option("--seed <n>", "random seed (same seed, same output)", integerParser(0))
    .option("--no-thinking", "render the chat template with enable_thinking = false");
}

/** The GenerateRequest fields the flags set (messages and signal come from the caller). */
export function requestFromFlags(flags: GenerationFlags): Omit<GenerateRequest, "messages" | "prompt"> {
  const sampling = Object.fromEntries(
    Object.entries({
      temperature: flags.temperature,
      top_p: flags.topP,
      top_k: flags.topK,
      min_p: flags.minP,
      seed: flags.seed,
    }).filter(([, v]) => v !== undefined),
  );
  const reasoning: ReasoningOptions =
    flags.reasoning === "cot"
      ? { method: "cot" }
      : (Object.fromEntries(
          Object.entries({
            method: "swir",
            max_switch_count: flags.maxSwitchCount,
            alpha0: flags.alpha,
            beta0: flags.beta,
            window: flags.window,
          }).filter(([, v]) => v !== undefined),
        ) as ReasoningOptions);
  return {
    sampling,
    reasoning,
    maxTokens: flags.maxTokens,
    thinkingBudget: flags.thinkingBudget,
    enableThinking: flags.thinking,
  };
}
