/** @module The shapes every guardrail piece shares: spans found in text, detectors, and the judge's verdict. */

/** A finding in a text: the code-unit range `[start, end)` of the original text, its category and a score in 0..1. */
export interface Span {
  start: number;
  end: number;
  /** What was found, such as "email", "cpf", "aws_access_key", "instruction_override". */
  category: string;
  score: number;
}

/**
 * A pure, synchronous detector. Streaming redaction needs to know how far a match could reach back from the end
 * of a growing text: a match is at most `maxLength` code units long and made only of characters `chars` accepts,
 * so only the trailing run of such characters (capped at `maxLength`) can still change.
 */
export interface Detector {
  /** The name a policy file uses. */
  readonly name: string;
  /** The categories it reports (moderation and metrics list them). */
  readonly categories: readonly string[];
  readonly maxLength: number;
  /** Matches one character a match may contain (no `g` flag). */
  readonly chars: RegExp;
  /**
   * Sharper than `chars`, for detectors whose matches hold spaces: the beginning of what could still grow
   * into a match, anchored at the end (`$`); searched in the last `maxLength` code units.
   */
  readonly tail?: RegExp;
  detect(text: string): Span[];
}

/** What the judge says of one text. */
export interface Verdict {
  safe: boolean;
  /** The operator's category it violates ("none" when safe). */
  category: string;
  rationale: string;
}

/** Classifies a text against the operator's categories (the server asks its own model). */
export type JudgeFn = (text: string) => Promise<Verdict>;
