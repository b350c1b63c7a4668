/**
 * @module Keeps untrusted text (anything that came from a request) from turning into added tokens.
 *
 * Before rendering, every occurrence of an added-token string inside untrusted data is replaced by one
 * private-use character of its own (plane 15, U+F0001 + index); a literal character from that range is
 * escaped as U+F0000 followed by itself, so the mapping is reversible. Once rendered, every added-token string
 * left in the text was written by the template itself. The text between those trusted tokens is unescaped
 * and encoded without added-token matching, exactly where the ordinary tokenizer would cut the text anyway,
 * so byte-level BPE never sees a boundary that a plain `encode(render(...))` would not.
 */

const ESCAPE = 0xf0000;

/** A rendered, escaped chat split into trusted added tokens and plain text (already unescaped). */
export type GuardedPart = { kind: "token"; content: string } | { kind: "text"; text: string };

/** Escapes added-token strings in untrusted data and splits rendered text at the template's own tokens. */
export class UntrustedTextGuard {
  private readonly escapePattern: RegExp;
  private readonly unescapePattern: RegExp;
  private readonly trustedPattern: RegExp;
  private readonly charOf = new Map<string, string>();
  private readonly tokenOf = new Map<string, string>();

  /** @param addedTokens contents of every added token (special or not) of the tokenizer. */
  constructor(addedTokens: readonly string[]) {
    const tokens = [...new Set(addedTokens.filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
    tokens.forEach((token, i) => {
      const char = String.fromCodePoint(ESCAPE + 1 + i);
      this.charOf.set(token, char);
      this.tokenOf.set(char, token);
    });
    const range = `[\\u{${ESCAPE.toString(16)}}-\\u{${(ESCAPE + tokens.length).toString(16)}}]`;
    const alternatives = tokens.map(escapeRegExp).join("|");
    this.escapePattern = new RegExp(alternatives ? `${alternatives}|${range}` : range, "gu");
    this.unescapePattern = new RegExp(`\\u{${ESCAPE.toString(16)}}([\\s\\S])|${range}`, "gu");
    this.trustedPattern = new RegExp(alternatives || "(?!)", "g");
  }

  /** Escapes one string. */
  escape(text: string): string {
    return text.replace(this.escapePattern, (m) => this.charOf.get(m) ?? String.fromCodePoint(ESCAPE) + m);
  }

  /** Escapes every string (object keys included) in a JSON-like value; other values pass through. */
  escapeDeep<T>(value: T): T {
    if (typeof value === "string") return this.escape(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.escapeDeep(v)) as T;
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.escape(k)] = this.escapeDeep(v);
      return out as T;
    }
    return value;
  }

  /** Inverse of `escape`: restores the original characters (as plain text). */
  unescape(text: string): string {
    return text.replace(this.unescapePattern, (m, escaped?: string) => escaped ?? this.tokenOf.get(m) ?? m);
  }

  /**
   * Splits escaped rendered text at the added tokens it contains (all from the template) into trusted tokens
   * and unescaped text. `lstrip`/`rstrip` tokens eat neighbouring whitespace as the tokenizer does.
   */
  split(
    rendered: string,
    strips: ReadonlyMap<string, { lstrip?: boolean; rstrip?: boolean }>,
  ): GuardedPart[] {
    const parts: GuardedPart[] = [];
    let last = 0;
    let trimNextStart = false;
    for (const match of rendered.matchAll(this.trustedPattern)) {
      const content = match[0];
      const flags = strips.get(content);
      let gap = rendered.slice(last, match.index);
      if (trimNextStart) gap = gap.trimStart();
      if (flags?.lstrip) gap = gap.trimEnd();
      if (gap) parts.push({ kind: "text", text: this.unescape(gap) });
      parts.push({ kind: "token", content });
      trimNextStart = flags?.rstrip ?? false;
      last = match.index + content.length;
    }
    let tail = rendered.slice(last);
    if (trimNextStart) tail = tail.trimStart();
    if (tail) parts.push({ kind: "text", text: this.unescape(tail) });
    return parts;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
