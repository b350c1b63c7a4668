/**
 * @module
 * The token ids SwiReasoning needs, and how to get them from a tokenizer.
 */

import { mathTokenIds } from "./math-tokens.js";

/**
 * Vocabulary entry whose embedding row is mixed into the step-0 latent input. The reference looks up
 * the vocabulary entry spelled backslash-n (Python `convert_tokens_to_ids("\\n")`), a vocabulary lookup,
 * not an encoding. In the Qwen3 vocabulary that is id 1699, the two-character text `\n` (a backslash and
 * the letter n, as in LaTeX), NOT the newline byte (byte-level BPE spells newline "Ċ", id 198). We keep
 * the quirk for fidelity with the published numbers; change this constant to switch to a real newline.
 */
export const LINE_BREAK_TOKEN = "\\n";

/** Injected at a latent -> explicit switch while N <= switches <= 2N (the reference's Qwen choice). */
export const CONVERGENCE_TEXT = "</think>";
/** Injected at a latent -> explicit switch once switches > 2N, followed by the answer budget. */
export const TERMINATION_TEXT = "</think>\n\nThe final answer is";

/** Token ids the SwiReasoning controller uses. */
export interface SwirVocab {
  thinkStart: number;
  thinkEnd: number;
  /** Id of {@link LINE_BREAK_TOKEN}. */
  lineBreak: number;
  /** Ids whose emission forces an explicit step (see math-tokens.ts). */
  mathIds: ReadonlySet<number>;
  /** Tokens of {@link CONVERGENCE_TEXT}. */
  convergenceIds: readonly number[];
  /** Tokens of {@link TERMINATION_TEXT}. */
  terminationIds: readonly number[];
}

/** The tokenizer surface needed to build a {@link SwirVocab}. */
export interface VocabTokenizer {
  /** Plain-text encoding (special-token strings are not parsed). */
  encode(text: string): number[];
  /** Vocabulary lookup of one token string, added tokens included. */
  tokenToId(token: string): number | undefined;
}

/**
 * Builds the ids from a tokenizer. `<think>`/`</think>` inside the convergence and termination texts are
 * mapped to their added-token ids (as Hugging Face's encode does), the rest is encoded as plain text.
 *
 * @example
 * const vocab = swirVocab(tokenizer); // Qwen3: thinkEnd 151668, lineBreak 1699, terminationIds [151668, 271, 785, 1590, 4226, 374]
 */
export function swirVocab(tokenizer: VocabTokenizer): SwirVocab {
  const lookup = (token: string): number => {
    const id = tokenizer.tokenToId(token);
    if (id === undefined)
      throw new Error(`swirVocab: the tokenizer vocabulary has no entry ${JSON.stringify(token)}`);
    return id;
  };
  const thinkStart = lookup("<think>");
  const thinkEnd = lookup("</think>");
  const encodeWithThinkTags = (text: string): number[] =>
    text.split(/(<\/?think>)/).flatMap((part) => {
      if (part === "<think>") return [thinkStart];
      if (part === "</think>") return [thinkEnd];
      return part === "" ? [] : tokenizer.encode(part);
    });
  return {
    thinkStart,
    thinkEnd,
    lineBreak: lookup(LINE_BREAK_TOKEN),
    mathIds: mathTokenIds((text) => tokenizer.encode(text)),
    convergenceIds: encodeWithThinkTags(CONVERGENCE_TEXT),
    terminationIds: encodeWithThinkTags(TERMINATION_TEXT),
  };
}
