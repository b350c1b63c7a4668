/**
 * @module Which IP addresses the fetch tool may connect to. Public unicast addresses are allowed; loopback,
 * private, link-local, unique-local, multicast, unspecified, documentation and other special ranges are
 * refused, IPv4 and IPv6 alike, including IPv4 addresses carried inside IPv6 (mapped, compatible, NAT64,
 * 6to4), unless the operator allows them: all at once, or by CIDR.
 */
import { isIP } from "node:net";

/** The operator's exceptions. */
export interface AddressPolicy {
  /** Allow every address, private ones included (a fetch tool for an intranet). */
  allowPrivate?: boolean;
  /** Ranges allowed although special, e.g. `["127.0.0.1/32", "10.1.0.0/16", "fd00::/8"]`. */
  allowCidrs?: readonly string[];
}

interface Range {
  bytes: Uint8Array;
  prefix: number;
}
type Labeled = Range & { label: string };

// IANA special-purpose registries (RFC 6890 and successors), reduced to what must not be fetched
const SPECIAL_V4: Labeled[] = [
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "shared (carrier-grade NAT)"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.0.2.0/24", "documentation"],
  ["192.88.99.0/24", "6to4 relay"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
].map(([cidr, label]) => ({ ...parseCidr(cidr), label }));

const SPECIAL_V6: Labeled[] = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["64:ff9b:1::/48", "NAT64 (local use)"],
  ["100::/64", "discard"],
  ["2001::/23", "IETF protocol assignments"],
  ["2001:db8::/32", "documentation"],
  ["fc00::/7", "unique-local"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "site-local"],
  ["ff00::/8", "multicast"],
].map(([cidr, label]) => ({ ...parseCidr(cidr), label }));

// IPv6 forms whose last (or, for 6to4, second and third) 32 bits are an IPv4 address that gets reached
const EMBEDDING_V4: Array<Range & { offset: number; label: string }> = [
  { ...parseCidr("::ffff:0:0/96"), offset: 12, label: "IPv4-mapped" },
  { ...parseCidr("::/96"), offset: 12, label: "IPv4-compatible" },
  { ...parseCidr("64:ff9b::/96"), offset: 12, label: "NAT64" },
  { ...parseCidr("2002::/16"), offset: 2, label: "6to4" },
];

/**
 * Why `address` may not be fetched under `policy`, or undefined when it may.
 * @example
 * refusalReason("93.184.215.14");       // undefined
 * refusalReason("::ffff:127.0.0.1");    // "::ffff:127.0.0.1 is a loopback address (IPv4-mapped)"
 * refusalReason("10.1.2.3", { allowCidrs: ["10.0.0.0/8"] }); // undefined
 */
export function refusalReason(address: string, policy: AddressPolicy = {}): string | undefined {
  const bytes = parseAddress(address);
  if (!bytes) return `${address} is not an IP address`;
  if (policy.allowPrivate || policy.allowCidrs?.some((cidr) => allowedBy(bytes, parseCidr(cidr))))
    return undefined;
  const special = specialRange(bytes);
  if (!special) return undefined;
  const article = /^[aeiou]/i.test(special.label) ? "an" : "a";
  return `${address} is ${article} ${special.label} address${special.form ? ` (${special.form})` : ""}`;
}

// the special range an address is in, and the IPv6 form that carried it when it is an embedded IPv4 address
function specialRange(bytes: Uint8Array): { label: string; form?: string } | undefined {
  const direct = (bytes.length === 4 ? SPECIAL_V4 : SPECIAL_V6).find((range) => inRange(bytes, range));
  if (direct || bytes.length === 4) return direct && { label: direct.label };
  const form = EMBEDDING_V4.find((range) => inRange(bytes, range));
  const inner = form && specialRange(bytes.subarray(form.offset, form.offset + 4));
  return inner && form ? { label: inner.label, form: form.label } : undefined;
}

// an allowed IPv4 range also allows the same addresses written as IPv4-mapped IPv6
function allowedBy(bytes: Uint8Array, range: Range): boolean {
  if (inRange(bytes, range)) return true;
  const mapped = EMBEDDING_V4[0];
  return (
    bytes.length === 16 &&
    range.bytes.length === 4 &&
    inRange(bytes, mapped) &&
    inRange(bytes.subarray(12), range)
  );
}

function inRange(bytes: Uint8Array, range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const bits = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((bytes[bit / 8] & mask) !== (range.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

/** `"10.0.0.0/8"` as bytes and prefix length; throws on a malformed range (an operator's typo). */
function parseCidr(cidr: string): Range {
  const [address, prefixText] = cidr.split("/");
  const bytes = parseAddress(address);
  const prefix = prefixText === undefined ? (bytes?.length ?? 0) * 8 : Number(prefixText);
  if (!bytes || !Number.isInteger(prefix) || prefix < 0 || prefix > bytes.length * 8)
    throw new Error(`not an IP range: ${JSON.stringify(cidr)} (expected e.g. "10.0.0.0/8" or "fd00::/8")`);
  return { bytes, prefix };
}

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address as bytes, brackets and zone index allowed; else undefined. */
function parseAddress(text: string): Uint8Array | undefined {
  const address = text.replace(/^\[(.*)\]$/, "$1").replace(/%.*$/, "");
  const family = isIP(address);
  if (family === 4) return Uint8Array.from(address.split(".").map(Number));
  if (family !== 6) return undefined;
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const groups = (part: string | undefined) => (part ? part.split(":").flatMap(groupBytes) : []);
  const front = groups(head);
  const back = groups(tail);
  const bytes = new Uint8Array(16);
  bytes.set(front, 0);
  bytes.set(back, 16 - back.length);
  return bytes;
}

// one colon-separated group: 16 bits in hex, or a trailing dotted IPv4 (::ffff:1.2.3.4)
function groupBytes(group: string): number[] {
  if (group.includes(".")) return group.split(".").map(Number);
  const value = Number.parseInt(group, 16);
  return [value >> 8, value & 0xff];
}
