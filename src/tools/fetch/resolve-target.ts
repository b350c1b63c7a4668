/**
 * @module The address a fetch connects to: the host's DNS answers checked against the address policy, the
 * first allowed one chosen, and that exact address used for the connection, so a second DNS answer (DNS
 * rebinding) cannot move the connection somewhere the check did not see.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type AddressPolicy, refusalReason } from "./address-policy.js";

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name to addresses; the system's resolver by default, a fixed table in tests. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), every address it gives. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })) as ResolvedAddress[];

/** A fetch refused by policy (address, scheme, redirects, size): the model is told why. */
export class FetchRefused extends Error {
  override name = "FetchRefused";
}

/**
 * The address to connect to for `hostname` (an IP literal is taken as is, brackets allowed); a resolver
 * that hangs is given up when `signal` aborts.
 * @example
 * await resolveTarget("localhost", {}, systemResolver, signal);
 * // throws FetchRefused: "refused to connect to localhost: 127.0.0.1 is a loopback address (...)"
 */
export async function resolveTarget(
  hostname: string,
  policy: AddressPolicy,
  resolver: HostResolver,
  signal: AbortSignal,
): Promise<ResolvedAddress> {
  const literal = hostname.replace(/^\[(.*)\]$/, "$1");
  const family = isIP(literal);
  const candidates: ResolvedAddress[] =
    family === 4 || family === 6
      ? [{ address: literal, family }]
      : await untilAborted(resolver(hostname), signal);
  if (candidates.length === 0) throw new FetchRefused(`${hostname} has no address`);
  const reasons: string[] = [];
  for (const candidate of candidates) {
    const reason = refusalReason(candidate.address, policy);
    if (!reason) return candidate;
    reasons.push(reason);
  }
  throw new FetchRefused(
    `refused to connect to ${hostname}: ${reasons.join("; ")} (the operator has not allowed such addresses)`,
  );
}

// getaddrinfo cannot be cancelled; the fetch stops waiting for it
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
