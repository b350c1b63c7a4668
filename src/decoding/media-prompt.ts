/**
 * @module Puts images and videos into a prompt. Each image placeholder token the chat template wrote (one
 * `<|image_pad|>` per image part) is replaced by that image's block of embedding rows; a video part is
 * written with its timestamps as one `<|video_pad|>` per temporal group (see the tokenizer's
 * videoMarkers), and each of those is replaced by the group's block. Images and videos keep their order.
 */
import type { MediaEmbeddings, PromptPart } from "../engine/index.js";
import type { ChatContentPart, ChatMessage } from "../tokenizer/index.js";

/** One temporal group of a video (two frames merged by the vision tower), shown at `seconds`. */
export interface VideoGroup {
  /** The time written before the group (HF `_calculate_timestamps`: mean of its two frames' times). */
  seconds: number;
  block: MediaEmbeddings;
}

/** A video as the vision encoder made it: its temporal groups in order. */
export interface VideoEmbeddings {
  groups: VideoGroup[];
}

/** The media of one image part (a block) or one video part (its groups). */
export type MediaItem = MediaEmbeddings | VideoEmbeddings;

export const isVideo = (item: MediaItem): item is VideoEmbeddings => "groups" in item;

/** The prompt as the scheduler feeds it, and how many rows it takes in the cache (its prompt tokens). */
export interface MediaPrompt {
  parts: PromptPart[];
  rows: number;
}

/** Token ids of the placeholders; undefined where the vocabulary has none. */
export interface MediaPlaceholders {
  image: number | undefined;
  video: number | undefined;
}

/** Rows the media add to a prompt beyond their placeholders (each block replaces one token). */
export const mediaExtraRows = (media: readonly MediaItem[]): number =>
  media.reduce(
    (n, item) =>
      n + (isVideo(item) ? item.groups.reduce((g, { block }) => g + block.nTokens - 1, 0) : item.nTokens - 1),
    0,
  );

/**
 * Messages whose video parts carry the seconds of the matching video's groups (the n-th video part takes
 * the n-th video of `media`), so that the template writes a place for each group. Parts that already have
 * timestamps are left as they are; without videos the messages come back unchanged.
 */
export function withVideoTimestamps(messages: ChatMessage[], media: readonly MediaItem[]): ChatMessage[] {
  const videos = media.filter(isVideo);
  if (videos.length === 0) return messages;
  let next = 0;
  const stamp = (part: ChatContentPart): ChatContentPart => {
    if (part.type !== "video") return part;
    const video = videos[next++];
    return part.timestamps || !video ? part : { ...part, timestamps: video.groups.map((g) => g.seconds) };
  };
  return messages.map((m) => (Array.isArray(m.content) ? { ...m, content: m.content.map(stamp) } : m));
}

/**
 * Splits `tokens` at each placeholder and puts the next image block or video group in its place.
 * @throws Error when the number of image places and images, or of video group places and groups, differ.
 */
export function mediaPrompt(
  tokens: number[],
  placeholders: MediaPlaceholders,
  media: readonly MediaItem[],
): MediaPrompt {
  const images = media.filter((m): m is MediaEmbeddings => !isVideo(m));
  const groups = media.filter(isVideo).flatMap((video) => video.groups.map((g) => g.block));
  const places = (id: number | undefined) =>
    id === undefined ? [] : tokens.flatMap((t, i) => (t === id ? [i] : []));
  const imagePlaces = places(placeholders.image);
  const videoPlaces = places(placeholders.video);
  if (imagePlaces.length !== images.length)
    throw new Error(
      `the prompt has ${imagePlaces.length} image place(s) but ${images.length} image(s) were given: ` +
        "each image part of a message takes one image",
    );
  if (videoPlaces.length !== groups.length)
    throw new Error(
      `the prompt has ${videoPlaces.length} video group place(s) but the videos have ${groups.length} temporal ` +
        "group(s): each video part takes one video, written with one place per group (its timestamps)",
    );
  const blocks = new Map<number, MediaEmbeddings>([
    ...imagePlaces.map((place, k) => [place, images[k]] as const),
    ...videoPlaces.map((place, k) => [place, groups[k]] as const),
  ]);
  const parts: PromptPart[] = [];
  let start = 0;
  for (const place of [...blocks.keys()].sort((a, b) => a - b)) {
    if (place > start) parts.push({ tokens: tokens.slice(start, place) });
    parts.push({ media: blocks.get(place) as MediaEmbeddings });
    start = place + 1;
  }
  if (start < tokens.length) parts.push({ tokens: tokens.slice(start) });
  return { parts, rows: tokens.length + mediaExtraRows(media) };
}
