/**
 * @module `rio rpc-server`: serves this machine's devices (GPUs, else the CPU) to llama.cpp RPC clients
 * (`rio serve --rpc host:port,…`), as llama.cpp's tools/rpc rpc-server does, through the RPC backend
 * built from the pinned source. The protocol has no authentication or encryption: bind it to a private
 * network only.
 */
import type { Command } from "commander";
import { physicalCores } from "../../llama/index.js";
import { serveRpc } from "../../rpc/index.js";
import { integerParser } from "../parsers.js";

export function register(program: Command): void {
  program
    .command("rpc-server")
    .description("serve this machine's devices to llama.cpp RPC clients (rio serve --rpc host:port)")
    .option(
      "--host <host>",
      "address to listen on (private networks only: the protocol is unauthenticated)",
      "127.0.0.1",
    )
    .option("--port <port>", "TCP port", integerParser(1), 50052)
    .option("--threads <n>", "CPU threads when serving the CPU (default: physical cores)", integerParser(1))
    .option("--cache-dir <dir>", "where the server caches large tensors clients send (default: none)")
    .action(async (flags: { host: string; port: number; threads?: number; cacheDir?: string }) => {
      await serveRpc({
        host: flags.host,
        port: flags.port,
        threads: flags.threads ?? physicalCores(),
        cacheDir: flags.cacheDir,
        onProgress: (m) => process.stderr.write(`${m}\n`),
      });
    });
}
