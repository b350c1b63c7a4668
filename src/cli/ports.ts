/** @module A free TCP port on loopback, for child processes the CLI starts. */
import net from "node:net";

/** A port the kernel just had free on 127.0.0.1 (another process could take it first; rarely does). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
