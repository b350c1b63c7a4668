/**
 * @module Puts images into a prompt: each image placeholder token the chat template wrote (one
 * `<|image_pad|>` per image part) is replaced by that image's block of embedding rows, in order.
 */
import type { MediaEmbeddings, PromptPart } from "../engine/index.js";

/** The prompt as the scheduler feeds it, and how many rows it takes in the cache (its prompt tokens). */
export interface MediaPrompt {
  parts: PromptPart[];
  rows: number;
}

/**
 * Splits `tokens` at each placeholder id and puts the next image in its place.
 * @throws Error when the number of placeholders and of images differ.
 */
export function mediaPrompt(
  tokens: number[],
  placeholder: number | undefined,
  media: readonly MediaEmbeddings[],
): MediaPrompt {
  const places = placeholder === undefined ? [] : tokens.flatMap((id, i) => (id === placeholder ? [i] : []));
  if (places.length !== media.length)
    throw new Error(
      `the prompt has ${places.length} image place(s) but ${media.length} image(s) were given: ` +
        "each image part of a message takes one image",
    );
  const parts: PromptPart[] = [];
  let start = 0;
  places.forEach((place, k) => {
    if (place > start) parts.push({ tokens: tokens.slice(start, place) });
    parts.push({ media: media[k] });
    start = place + 1;
  });
  if (start < tokens.length) parts.push({ tokens: tokens.slice(start) });
  const rows = tokens.length - places.length + media.reduce((n, m) => n + m.nTokens, 0);
  return { parts, rows };
}
