/**
 * @module Secrets: the key shapes of common providers (prefixes as their docs and gitleaks' rules describe
 * them), PEM private keys (to their END line, or to the end of a text that has none yet), JWTs, and long tokens
 * of high Shannon entropy that mix letters and digits.
 */
import { patternDetector } from "./pattern.js";
import type { Detector, Span } from "./types.js";

const PROVIDERS: ReadonlyArray<[string, string]> = [
  ["aws_access_key", "(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}"],
  ["github_token", "gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255}"],
  ["gitlab_token", "glpat-[A-Za-z0-9_-]{20,}"],
  ["anthropic_key", String.raw`sk-ant-[a-z]+\d\d-[A-Za-z0-9_-]{40,}`],
  ["openai_key", "sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"],
  ["stripe_key", "(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"],
  ["slack_token", "xox[abposr]-[A-Za-z0-9-]{10,}"],
  ["google_api_key", "AIza[0-9A-Za-z_-]{35}"],
  ["npm_token", "npm_[A-Za-z0-9]{36}"],
  ["huggingface_token", "hf_[A-Za-z]{34}"],
  ["sendgrid_key", String.raw`SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`],
  ["jwt", String.raw`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`],
];
const TOKEN_CHARS = /[A-Za-z0-9_\-.+/=]/;

/** Provider key shapes and JWTs. */
export const apiKeys = patternDetector({
  name: "api_keys",
  categories: PROVIDERS.map(([category]) => category),
  pattern: new RegExp(
    `(?<![A-Za-z0-9_-])(?:${PROVIDERS.map(([c, p]) => `(?<${c}>${p})`).join("|")})(?![A-Za-z0-9_-])`,
  ),
  maxLength: 1024,
  chars: TOKEN_CHARS,
  check: (m) => {
    const category = Object.entries(m.groups ?? {}).find(([, v]) => v !== undefined)?.[0] ?? "secret";
    return { category, score: 1 };
  },
});

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----/g;

/**
 * PEM private keys. A key is long, so rather than a long `maxLength` the span of an unterminated key runs to the
 * end of the text: a stream redactor holds back from its start until the END line shows.
 */
export const privateKey: Detector = {
  name: "private_key",
  categories: ["private_key"],
  maxLength: 64,
  chars: /[A-Z0-9 -]/,
  detect(text) {
    const spans: Span[] = [];
    for (const m of text.matchAll(PEM_BEGIN)) {
      const endLine = `-----END ${m[1]}PRIVATE KEY`;
      const close = text.indexOf(endLine, m.index);
      const after = close < 0 ? -1 : text.indexOf("-----", close + endLine.length);
      spans.push({
        start: m.index,
        end: after < 0 ? text.length : after + 5,
        category: "private_key",
        score: 1,
      });
    }
    return spans;
  },
};

/** Bits per character of `text`'s character distribution. */
function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * Random-looking tokens of 24+ characters: upper and lower case and digits, over 4 bits per character (a hex
 * digest or a git hash stays under 4; English words and identifiers well under).
 */
export const highEntropy = patternDetector({
  name: "high_entropy",
  categories: ["high_entropy_token"],
  pattern: /(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-+/]{24,512}={0,2}(?![A-Za-z0-9_\-+/=])/,
  maxLength: 514,
  chars: TOKEN_CHARS,
  check: (m) => {
    const t = m[0];
    if (!/[a-z]/.test(t) || !/[A-Z]/.test(t) || !/\d/.test(t)) return undefined;
    const bits = shannonEntropy(t);
    return bits > 4.2
      ? { category: "high_entropy_token", score: Math.min(1, (bits - 4.2) / 1.3 + 0.5) }
      : undefined;
  },
});
