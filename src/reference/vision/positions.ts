/**
 * @module reference/vision/positions
 * Text-model M-RoPE positions of a prompt with images and videos, as Qwen3.5's `get_rope_index` /
 * `get_vision_position_ids` assign them (HF `modeling_qwen3_5.py`; Qwen3-VL's is the same):
 * - a run of text continues one position per token in all three rows (t = h = w);
 * - an image of merged grid gridH x gridW starting at position s gives the token at merged (row, col)
 *   t = s, h = s + row, w = s + col (tokens in row-major order), and the text after it starts at
 *   s + max(gridH, gridW). llama.cpp agrees: `mtmd_image_tokens_get_decoder_pos` (t = pos_0,
 *   y = pos_0 + i / nx, x = pos_0 + i % nx; y goes to the h section) and `mtmd_image_tokens_get_n_pos`
 *   = max(nx, ny);
 * - a video is split into its temporal groups (HF `repeat_interleave(video_grid_thw, t)` with t set
 *   to 1): the processor writes `<{ts:.1f} seconds>` `<|vision_start|>` frame tokens
 *   `<|vision_end|>` per group (`processing_qwen3_vl.py`), so each group is an image-like block between
 *   runs of text; timestamps, not positions, carry time.
 */
import type { MRopePositions } from "../decoder.js";

/** A run of a prompt: `text` tokens, or one image / video temporal group of merged grid gridH x gridW. */
export type PositionSegment = { text: number } | { image: { gridH: number; gridW: number } };

/** Positions of one image's tokens starting at `start`, and the position of the text after it. */
export function imagePositions(
  start: number,
  gridH: number,
  gridW: number,
): MRopePositions & { next: number } {
  const n = gridH * gridW;
  return {
    t: Array.from({ length: n }, () => start),
    h: Array.from({ length: n }, (_, i) => start + Math.floor(i / gridW)),
    w: Array.from({ length: n }, (_, i) => start + (i % gridW)),
    next: start + Math.max(gridH, gridW),
  };
}

/** Positions of a whole prompt given as segments, from `start` (0 for a prompt); `next` follows it. */
export function sequencePositions(
  segments: readonly PositionSegment[],
  start = 0,
): MRopePositions & { next: number } {
  const t: number[] = [];
  const h: number[] = [];
  const w: number[] = [];
  let next = start;
  for (const seg of segments) {
    if ("text" in seg) {
      for (let i = 0; i < seg.text; i++) {
        t.push(next + i);
        h.push(next + i);
        w.push(next + i);
      }
      next += seg.text;
    } else {
      const img = imagePositions(next, seg.image.gridH, seg.image.gridW);
      t.push(...img.t);
      h.push(...img.h);
      w.push(...img.w);
      next = img.next;
    }
  }
  return { t, h, w, next };
}
