/**
 * @module Writes the vision markers of Qwen-VL-family templates in place of a message's image and video
 * parts. Qwen3.5's own template writes `<|vision_start|><|image_pad|><|vision_end|>` (and `<|video_pad|>`
 * for a video) for each such part, and the text parts as they are; doing it here gives the same text for
 * templates that only take string content (Qwen3's), and lets the markers in after the untrusted text has
 * been escaped, so they are the only vision tokens in the prompt.
 */
import { TokenizerError } from "./tokenizer-error.js";
import type { ChatContentPart, ChatMessage } from "./types.js";

export const VISION_START = "<|vision_start|>";
export const VISION_END = "<|vision_end|>";
export const IMAGE_PAD = "<|image_pad|>";
export const VIDEO_PAD = "<|video_pad|>";

const markerOf = (part: ChatContentPart): string =>
  part.type === "text"
    ? part.text
    : `${VISION_START}${part.type === "image" ? IMAGE_PAD : VIDEO_PAD}${VISION_END}`;

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
