/** @module API-key check: `Authorization: Bearer KEY`, compared in constant time on SHA-256 digests. */
import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "./errors.js";

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * A checker for one key: throws ApiError(401) unless the Authorization header carries it. Hashing first
 * makes both sides the same length, so timingSafeEqual leaks neither the key nor its length.
 * @example
 * const check = apiKeyChecker("secret");
 * check("Bearer secret"); // ok
 * check(undefined);       // throws ApiError 401 "missing API key ..."
 */
export function apiKeyChecker(key: string): (authorization: string | undefined) => void {
  const expected = digest(key);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match)
      throw new ApiError(
        401,
        "missing API key: send Authorization: Bearer <key>",
        "authentication_error",
        null,
        "invalid_api_key",
      );
    if (!timingSafeEqual(digest(match[1]), expected))
      throw new ApiError(401, "incorrect API key", "authentication_error", null, "invalid_api_key");
  };
}
