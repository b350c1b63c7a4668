/**
 * @module Writes the vision markers of Qwen-VL-family templates in place of a message's image and video
 * parts. Qwen3.5's own template writes `<|vision_start|><|image_pad|><|vision_end|>` (and `<|video_pad|>`
 * for a video) for each such part, and the text parts as they are; doing it here gives the same text for
 * templates that only take string content (Qwen3's), and lets the markers in after the untrusted text has
 * been escaped, so they are the only vision tokens in the prompt. A video part with timestamps is written
 * as HF's Qwen3VLProcessor expands the template's video markers: per temporal group, its time as text and
 * one `<|video_pad|>` between vision start and end (the processor repeats the pad once per row; Rio puts
 * the group's block of rows in place of the one).
 */
import { TokenizerError } from "./tokenizer-error.js";
import type { ChatContentPart, ChatMessage } from "./types.js";

export const VISION_START = "<|vision_start|>";
export const VISION_END = "<|vision_end|>";
export const IMAGE_PAD = "<|image_pad|>";
export const VIDEO_PAD = "<|video_pad|>";

/**
 * Seconds as Python's `f"{seconds:.1f}"` writes them: round half to even on the exact binary value. The
 * only exact ties at one decimal are odd multiples of 0.25 (x.25, x.75); toFixed rounds those up.
 */
export function formatSeconds(seconds: number): string {
  const quarters = seconds * 4;
  if (Number.isInteger(quarters) && Math.abs(quarters) % 2 === 1) {
    const tenths = Math.floor(seconds * 10); // x.25 -> x.2, x.75 -> x.7 (exact: both are dyadic)
    return ((tenths % 2 === 0 ? tenths : tenths + 1) / 10).toFixed(1);
  }
  return seconds.toFixed(1);
}

/**
 * The text of a video with temporal groups at `timestamps` seconds, as HF's Qwen3VLProcessor writes it
 * in place of `<|vision_start|><|video_pad|><|vision_end|>` (one pad per group here, not one per row).
 * @example
 * videoMarkers([0.3, 1.3]);
 * // "<0.3 seconds><|vision_start|><|video_pad|><|vision_end|><1.3 seconds><|vision_start|><|video_pad|><|vision_end|>"
 */
export const videoMarkers = (timestamps: readonly number[]): string =>
  timestamps.map((t) => `<${formatSeconds(t)} seconds>${VISION_START}${VIDEO_PAD}${VISION_END}`).join("");

const markerOf = (part: ChatContentPart): string => {
  if (part.type === "text") return part.text;
  if (part.type === "video" && part.timestamps) return videoMarkers(part.timestamps);
  return `${VISION_START}${part.type === "image" ? IMAGE_PAD : VIDEO_PAD}${VISION_END}`;
};

/** Whether any message carries an image or a video part. */
export const hasMedia = (messages: readonly ChatMessage[]): boolean =>
  messages.some((m) => Array.isArray(m.content) && m.content.some((part) => part.type !== "text"));

/**
 * Messages with list content turned into strings: text parts joined, media parts as vision markers.
 * @param hasToken whether the vocabulary has an added token (a model without the markers takes no images)
 */
export function withMediaMarkers(
  messages: readonly ChatMessage[],
  hasToken: (content: string) => boolean,
  source: string,
): ChatMessage[] {
  const media = messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const needed = new Set(
    media.flatMap((part) =>
      part.type === "text" ? [] : [VISION_START, VISION_END, part.type === "image" ? IMAGE_PAD : VIDEO_PAD],
    ),
  );
  for (const marker of needed)
    if (!hasToken(marker))
      throw new TokenizerError(
        `a message has an image or video part but the vocabulary has no ${marker} token: this model takes text only`,
        source,
        "added_tokens",
      );
  return messages.map((message) =>
    Array.isArray(message.content)
      ? { ...message, content: message.content.map(markerOf).join("") }
      : message,
  );
}
