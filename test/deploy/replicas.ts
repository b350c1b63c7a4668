/**
 * Replicas for the deployment test: `rio serve` processes on loopback and nginx in front of them with the
 * shipped config (deploy/nginx/rio.conf.template), all run as the normal user from a temp folder.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../rpc/rpc-servers.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = path.join(repo, "dist/src/cli/main.js");

/** A child process with its output kept for failure messages. */
export interface Proc {
  url: string;
  child: ChildProcess;
  output(): string;
  kill(): Promise<void>;
}

function track(child: ChildProcess, url: string): Proc {
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  return {
    url,
    child,
    output: () => output,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(child.pid, "SIGKILL");
      await exited;
    },
  };
}

/** Polls `url` until it answers 200 (or the process dies, or 60 s pass). */
export async function waitHealthy(proc: Proc, url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (proc.child.exitCode !== null) throw new Error(`process exited: ${proc.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never became healthy: ${proc.output()}`);
}

/** Starts `rio serve` on a free port and waits for /health. */
export async function startReplica(model: string, dataDir: string): Promise<Proc> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      cli,
      "serve",
      "--model",
      model,
      "--port",
      String(port),
      "--no-speech",
      "--ctx",
      "16384",
      "--max-sequences",
      "16",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RIO_DATA_DIR: dataDir } },
  );
  const proc = track(child, `http://127.0.0.1:${port}`);
  await waitHealthy(proc, `${proc.url}/health`);
  return proc;
}

/** Starts nginx from the shipped template over `replicas`, in `prefix`, and waits until it answers. */
export async function startNginx(prefix: string, replicas: Proc[]): Promise<Proc> {
  let nginx: string;
  try {
    nginx = execFileSync("sh", ["-c", "command -v nginx || ls /usr/sbin/nginx"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("nginx is not installed: apt-get install nginx-light (CI installs it in .ci/run)");
  }
  const port = await freePort();
  const template = fs.readFileSync(path.join(repo, "deploy/nginx/rio.conf.template"), "utf8");
  const upstreams = replicas
    .map((r) => `server ${new URL(r.url).host} max_fails=1 fail_timeout=30s;`)
    .join("\n    ");
  fs.mkdirSync(prefix, { recursive: true });
  fs.writeFileSync(
    path.join(prefix, "nginx.conf"),
    template
      .replaceAll("{{PREFIX}}", prefix)
      .replaceAll("{{LISTEN}}", `127.0.0.1:${port}`)
      .replace("{{UPSTREAMS}}", upstreams),
  );
  const child = spawn(
    nginx,
    ["-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-g", "daemon off; master_process off;"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const proc = track(child, `http://127.0.0.1:${port}`);
  await waitHealthy(proc, `${proc.url}/lb-health`);
  return proc;
}
