/**
 * @module RPC server endpoints: parsing `host:port,…` and checking each answers on TCP before ggml sees
 * it, because ggml-rpc aborts the whole process on a server it cannot connect to.
 */
import net from "node:net";
import { RpcError } from "./errors.js";

/** `host:port` items of a comma-separated list; IPv6 hosts in brackets (`[::1]:50052`). */
export function parseEndpoints(list: string): string[] {
  const items = list.split(",").map((s) => s.trim());
  for (const item of items) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
      throw new RpcError(`RPC server "${item}": expected host:port (e.g. 10.0.0.2:50052)`);
  }
  return items;
}

/** Resolves when `endpoint` accepts a TCP connection within `timeoutMs`; rejects naming it otherwise. */
export function checkReachable(endpoint: string, timeoutMs = 3000): Promise<void> {
  const at = endpoint.lastIndexOf(":");
  const host = endpoint.slice(0, at).replace(/^\[|\]$/g, "");
  const port = Number(endpoint.slice(at + 1));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new RpcError(`RPC server ${endpoint} is not reachable (${why}); start it with \`rio rpc-server\``),
      );
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer in ${timeoutMs} ms`));
    socket.once("error", (e) => fail(e.message));
    // the RPC server serves one connection at a time: the probe must be closed before ggml (which blocks
    // this thread) connects, so resolve only once the socket is fully closed
    socket.once("connect", () => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  });
}
