/**
 * @module Stop strings on a text stream: text that could still grow into a stop string is held back, so
 * a client never sees part of a stop string, and the text ends right before the first one that matches.
 */

/**
 * Feeds text deltas; returns what may be shown now and whether a stop string matched.
 * @example
 * const stops = new StopStringMatcher(["\nUser:"]);
 * stops.push("Hello\nUs"); // { text: "Hello", stopped: false }
 * stops.push("er: hi");    // { text: "", stopped: true }
 */
export class StopStringMatcher {
  private held = "";
  private stopped = false;

  constructor(private readonly stops: readonly string[]) {
    if (stops.some((s) => s.length === 0)) throw new Error("stop strings must not be empty");
  }

  push(delta: string): { text: string; stopped: boolean } {
    if (this.stopped) return { text: "", stopped: true };
    const text = this.held + delta;
    let cut = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.stopped = true;
      this.held = "";
      return { text: text.slice(0, cut), stopped: true };
    }
    const keep = this.longestPendingPrefix(text);
    this.held = text.slice(text.length - keep);
    return { text: text.slice(0, text.length - keep), stopped: false };
  }

  /** Text held back at the end of the stream (no stop string came). */
  flush(): string {
    const text = this.held;
    this.held = "";
    return text;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
  private longestPendingPrefix(text: string): number {
    let best = 0;
    for (const stop of this.stops)
      for (let n = Math.min(stop.length - 1, text.length); n > best; n--)
        if (text.endsWith(stop.slice(0, n))) {
          best = n;
          break;
        }
    return best;
  }
}
