/**
 * @module reference/capture
 * Named intermediates, the reference's version of llama.cpp's `cb(cur, name, il)`: layer values are
 * named `L<il>.<name>` (e.g. `L3.attn_norm`), model-level ones by name alone (`embd`, `final_norm`).
 */

export class Capture {
  readonly captured = new Map<string, Float64Array[]>();
  private readonly seen = new Set<string>();

  constructor(private readonly wanted: ReadonlySet<string>) {}

  /** Records one row per input position under `L<il>.<name>` (or `<name>` when il < 0) if it was asked for. */
  rows(name: string, il: number, rows: Float64Array[]): void {
    const key = il < 0 ? name : `L${il}.${name}`;
    this.seen.add(key);
    // copies: captured rows stay as they were, whatever later code or the caller does with the originals
    if (this.wanted.has(key)) this.captured.set(key, rows.map(copyRow));
  }

  /** Throws if a requested name was never produced, listing the names this forward pass has. */
  check(): void {
    const missing = [...this.wanted].filter((k) => !this.seen.has(k));
    if (missing.length > 0) {
      throw new Error(
        `reference: no intermediate named ${missing.join(", ")}; available: ${[...this.seen].join(", ")}`,
      );
    }
  }
}

const copyRow = (r: Float64Array): Float64Array => Float64Array.from(r);
