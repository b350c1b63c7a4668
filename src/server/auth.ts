/**
 * @module API keys: `Authorization: Bearer KEY`, compared in constant time on SHA-256 digests. One key from
 * --api-key, or the keys file: several API keys, each stored as the SHA-256 hex digest of the key (never the key),
 * with its name, application, guardrail policies, model allow-list and rate limits.
 *
 * ```yaml
 * keys:
 *   - name: alice
 *     sha256: 2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90  # printf %s "$KEY" | sha256sum
 *     application: billing
 *     policies: [strict]
 *     models: [qwen3-0.6b]
 *     requests_per_minute: 60
 *     tokens_per_minute: 20000
 * ```
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { FieldError, loadYamlFile } from "../guardrails/index.js";
import { ApiError } from "./errors.js";

const keySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "use letters, digits, _ . - (at most 64)"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, "the SHA-256 hex digest of the key (64 hex digits)"),
  application: z.string().min(1).max(64).optional(),
  /** Named policies of the policy file this key's requests always get. */
  policies: z.array(z.string()).optional(),
  /** Models this key may use; absent: all. */
  models: z.array(z.string()).min(1).optional(),
  requests_per_minute: z.number().int().min(1).optional(),
  tokens_per_minute: z.number().int().min(1).optional(),
});

const keysFileSchema = z.strictObject({ keys: z.array(keySchema).min(1) });

/** One key's settings. */
export type KeyEntry = Omit<z.infer<typeof keySchema>, "sha256">;

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

const missingKey = () =>
  new ApiError(
    401,
    "missing API key: send Authorization: Bearer <key>",
    "authentication_error",
    null,
    "invalid_api_key",
  );

/**
 * The server's keys. `identify` hashes the presented key and compares it with every stored digest in
 * constant time (all of them, whatever matches), so timing tells neither the key nor which entry it is.
 * @example
 * const ring = new KeyRing([{ name: "alice", digest: sha256("secret") }]);
 * ring.identify("Bearer secret").name; // "alice"
 */
export class KeyRing {
  constructor(private readonly entries: ReadonlyArray<{ entry: KeyEntry; digest: Buffer }>) {}

  /** One key given on the command line (--api-key): no policy, no limits. */
  static single(key: string): KeyRing {
    return new KeyRing([{ entry: { name: "default" }, digest: digest(key) }]);
  }

  /**
   * Reads a keys file; `policyNames` are the policies the policy file defines (a key naming another fails).
   * @throws ConfigFileError naming the file, line and field
   */
  static load(file: string, policyNames: readonly string[], extra?: string): KeyRing {
    const parsed = loadYamlFile(file, keysFileSchema, (value) => {
      const names = new Set<string>();
      value.keys.forEach((key, i) => {
        if (names.has(key.name))
          throw new FieldError(["keys", i, "name"], `duplicate key name ${JSON.stringify(key.name)}`);
        names.add(key.name);
        key.policies?.forEach((policy, j) => {
          if (!policyNames.includes(policy))
            throw new FieldError(
              ["keys", i, "policies", j],
              `no policy named ${JSON.stringify(policy)} in the policy file (${policyNames.join(", ") || "none; pass --guardrails"})`,
            );
        });
      });
    });
    const entries = parsed.keys.map(({ sha256, ...entry }) => ({
      entry,
      digest: Buffer.from(sha256, "hex"),
    }));
    return new KeyRing(extra === undefined ? entries : [...entries, ...KeyRing.single(extra).entries]);
  }

  /** The entry of the Authorization header's key; ApiError 401 when it has none or an unknown one. */
  identify(authorization: string | undefined): KeyEntry {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) throw missingKey();
    const presented = digest(match[1]);
    let found: KeyEntry | undefined;
    for (const { entry, digest } of this.entries) if (timingSafeEqual(presented, digest)) found = entry;
    if (!found) throw new ApiError(401, "incorrect API key", "authentication_error", null, "invalid_api_key");
    return found;
  }
}
