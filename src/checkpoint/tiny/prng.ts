/**
 * @module Small seeded random numbers for tiny test models: mulberry32 for uniforms, Box-Muller for
 * normals. Each tensor gets its own stream derived from (seed, tensor name), so adding a layer does not
 * change the values of the others.
 */

/** 32-bit FNV-1a hash of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic stream of uniform and normal samples. */
export class Prng {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number, stream = "") {
    this.state = (seed ^ fnv1a(stream)) >>> 0;
  }

  /** mulberry32: next uniform in the open interval (0, 1) */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  }

  /** standard normal sample (Box-Muller, both values of each pair used) */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `n` samples of N(mean, std²) */
  normals(n: number, mean: number, std: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }
}
