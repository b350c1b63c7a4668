/**
 * @module Per-key rate limits over a sliding minute: requests are counted when they arrive, tokens (prompt and
 * generated) when a generation ends. A key over either limit gets 429 with Retry-After: the seconds until
 * enough of the last minute's use has aged out.
 */

import type { KeyEntry } from "./auth.js";
import { ApiError } from "./errors.js";

const MINUTE_MS = 60_000;

interface Usage {
  requests: number[];
  tokens: Array<{ at: number; n: number }>;
}

/**
 * @example
 * const limits = new RateLimiter();
 * limits.admit({ name: "alice", requests_per_minute: 1 }); // ok
 * limits.admit({ name: "alice", requests_per_minute: 1 }); // throws ApiError 429, Retry-After: 60
 */
export class RateLimiter {
  private readonly usage = new Map<string, Usage>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request of `key`, or throws 429 when the key is over a limit. */
  admit(key: KeyEntry): void {
    const rpm = key.requests_per_minute;
    const tpm = key.tokens_per_minute;
    if (rpm === undefined && tpm === undefined) return;
    const now = this.now();
    const use = this.current(key.name, now);
    if (rpm !== undefined && use.requests.length >= rpm)
      throw limited(
        `${key.name}: over ${rpm} requests per minute`,
        use.requests[use.requests.length - rpm] + MINUTE_MS - now,
      );
    if (tpm !== undefined) {
      let total = use.tokens.reduce((sum, t) => sum + t.n, 0);
      // the wait is until the oldest entries that put the key over its limit have aged out
      for (const t of use.tokens) {
        if (total < tpm) break;
        total -= t.n;
        if (total < tpm) throw limited(`${key.name}: over ${tpm} tokens per minute`, t.at + MINUTE_MS - now);
      }
    }
    use.requests.push(now);
  }

  /** Adds tokens a generation of `key` used. */
  addTokens(key: KeyEntry, n: number): void {
    if (key.tokens_per_minute === undefined || n <= 0) return;
    const now = this.now();
    this.current(key.name, now).tokens.push({ at: now, n });
  }

  private current(name: string, now: number): Usage {
    const use = this.usage.get(name) ?? { requests: [], tokens: [] };
    this.usage.set(name, use);
    const since = now - MINUTE_MS;
    while (use.requests.length > 0 && use.requests[0] <= since) use.requests.shift();
    while (use.tokens.length > 0 && use.tokens[0].at <= since) use.tokens.shift();
    return use;
  }
}

function limited(message: string, waitMs: number): ApiError {
  const seconds = String(Math.max(1, Math.ceil(waitMs / 1000)));
  return new ApiError(
    429,
    `rate limit: ${message}; retry after ${seconds} s`,
    "rate_limit_error",
    null,
    "rate_limit_exceeded",
    {
      "retry-after": seconds,
    },
  );
}
