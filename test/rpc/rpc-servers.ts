/** llama.cpp RPC servers (`rio rpc-server`) on loopback for tests: started as child processes, stopped by pid. */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "../../src/cli/ports.js";
import { checkReachable } from "../../src/rpc/index.js";

export { freeLoopbackPort as freePort };

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");

/** One running RPC server. */
export interface RpcServerProcess {
  endpoint: string;
  child: ChildProcess;
  output(): string;
  stop(): void;
}

/** Starts `rio rpc-server` on a free loopback port with one thread and waits until it accepts connections. */
export async function startRpcServer(): Promise<RpcServerProcess> {
  const port = await freeLoopbackPort();
  const child = spawn(process.execPath, [cli, "rpc-server", "--port", String(port), "--threads", "1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const endpoint = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`rpc-server exited (${child.exitCode}): ${output}`);
    try {
      await checkReachable(endpoint, 500);
      break;
    } catch (e) {
      if (i > 120) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    endpoint,
    child,
    output: () => output,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null && child.pid)
        process.kill(child.pid, "SIGKILL");
    },
  };
}
