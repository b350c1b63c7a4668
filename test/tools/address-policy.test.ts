// The fetch tool's address policy: which IPv4 and IPv6 addresses are refused, IPv4 inside IPv6 included,
// and how the operator's exceptions open them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { refusalReason } from "../../src/tools/index.js";

test("special addresses are refused, each with the name of its range", () => {
  const refused: Array<[string, string]> = [
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "shared (carrier-grade NAT)"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["192.0.2.10", "documentation"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique-local"],
    ["fc00::1", "unique-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["::ffff:127.0.0.1", "loopback address (IPv4-mapped)"],
    ["::ffff:7f00:1", "loopback address (IPv4-mapped)"],
    ["[::ffff:10.0.0.1]", "private address (IPv4-mapped)"],
    ["::ffff:a9fe:a9fe", "link-local address (IPv4-mapped)"],
    ["64:ff9b::a00:1", "private address (NAT64)"],
    ["2002:c0a8:101::1", "private address (6to4)"],
    ["::10.0.0.1", "private address (IPv4-compatible)"],
  ];
  for (const [address, label] of refused) {
    const expected = label.includes("address") ? label : `${label} address`;
    assert.equal(refusalReason(address), `${address} is ${/^[aeiou]/.test(label) ? "an" : "a"} ${expected}`);
  }
});

test("public addresses are allowed", () => {
  for (const address of [
    "93.184.215.14",
    "1.1.1.1",
    "172.32.0.1",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
  ])
    assert.equal(refusalReason(address), undefined, address);
});

test("the operator can allow all private addresses, or ranges by CIDR (an IPv4 range covers its mapped form)", () => {
  assert.equal(refusalReason("10.0.0.1", { allowPrivate: true }), undefined);
  const policy = { allowCidrs: ["127.0.0.1/32", "fd00::/8"] };
  assert.equal(refusalReason("127.0.0.1", policy), undefined);
  assert.equal(refusalReason("::ffff:127.0.0.1", policy), undefined);
  assert.equal(refusalReason("fd12::1", policy), undefined);
  assert.match(refusalReason("127.0.0.2", policy) ?? "", /loopback/);
  assert.match(refusalReason("::1", policy) ?? "", /loopback/);
  assert.throws(
    () => refusalReason("10.0.0.1", { allowCidrs: ["10.0.0.0/33"] }),
    /not an IP range: "10.0.0.0\/33"/,
  );
});

test("something that is not an address is refused", () => {
  assert.equal(refusalReason("example.org"), "example.org is not an IP address");
});
