/**
 * @module Takes the network away from the Python sandbox process before Pyodide loads. Node 20's permission
 * model (the flags the process starts with) already denies the file system, child processes, workers and
 * native addons, but has no network permission; Pyodide in Node backs Python's `socket` with `node:net`.
 * So every way out is replaced here by a function that throws: TCP and TLS connections and servers, UDP,
 * DNS, and the fetch-like globals. Only the sandbox process calls this; it changes process-wide objects.
 */
import dgram from "node:dgram";
import dns from "node:dns";
import { constants as fsConstants } from "node:fs";
import inspector from "node:inspector";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";

const denied = (what: string) =>
  function deniedInSandbox(): never {
    const error = new Error(`${what}: network access is disabled in the sandbox`) as NodeJS.ErrnoException;
    error.code = "EACCES";
    throw error;
  };

function replaceMethods(target: object, names: readonly string[], label: string): void {
  for (const name of names)
    Object.defineProperty(target, name, {
      value: denied(`${label}.${name}`),
      writable: false,
      configurable: false,
    });
}

/**
 * Replaces every network entry point of this process with one that throws EACCES.
 * @example
 * lockDownHost();
 * net.connect(80, "example.org"); // throws: "net.Socket.connect: network access is disabled in the sandbox"
 */
export function lockDownHost(): void {
  // tls.Socket, http agents and fetch all connect through net.Socket.prototype.connect
  replaceMethods(net.Socket.prototype, ["connect"], "net.Socket");
  replaceMethods(net.Server.prototype, ["listen"], "net.Server");
  replaceMethods(dgram.Socket.prototype, ["bind", "connect", "send"], "dgram.Socket");
  replaceMethods(dns, ["lookup", "lookupService", "resolve", "resolve4", "resolve6", "resolveAny"], "dns");
  replaceMethods(
    dns.promises,
    ["lookup", "lookupService", "resolve", "resolve4", "resolve6", "resolveAny"],
    "dns",
  );
  replaceMethods(inspector, ["open"], "inspector");
  // `import { lookup } from "node:dns"` reads the ESM view of a builtin, which follows these only when told
  syncBuiltinESMExports();
  for (const name of ["fetch", "WebSocket", "EventSource", "XMLHttpRequest"])
    Reflect.deleteProperty(globalThis, name);
  // The permission model makes process.binding throw, but Pyodide's NODEFS reads the fs constants through it
  // at load; hand over those numbers and nothing else.
  Object.defineProperty(process, "binding", {
    value: (name: string) => {
      if (name === "constants") return { fs: fsConstants };
      throw new Error(`process.binding('${name}') is disabled in the sandbox`);
    },
  });
  replaceMethods(process, ["kill"], "process");
}
