/** @module Test images: PNGs whose pixels encode their coordinates. */
import { PNG } from "pngjs";

/** A w x h RGBA test card whose pixels encode their coordinates. */
export function card(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data.set([(x * 7) & 255, (y * 5) & 255, (x + y) & 255, 128], (y * width + x) * 4);
  return data;
}

export function pngOf(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data = card(width, height);
  return PNG.sync.write(png);
}
