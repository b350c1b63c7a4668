/**
 * @module `rio serve --rpc`: the engine runs in a child `rio serve` process and this process, which never
 * touches llama.cpp, keeps the port. ggml-rpc aborts the process that uses a lost RPC server (see
 * src/llama/rpc.ts); here that ends only the child: requests it was answering fail visibly (a 502 before
 * the answer started, a cut stream after), new requests get 503 while the child restarts (with backoff,
 * until its RPC servers answer again), and /health says 503 meanwhile.
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { freeLoopbackPort } from "./ports.js";

/** The environment variable that marks the supervised child. */
export const SERVE_CHILD_ENV = "RIO_SERVE_CHILD";

const MAX_BACKOFF_MS = 30_000;
/** How often, and how patiently, the running engine's /health is asked (its event loop must answer). */
const LIVENESS_EVERY_MS = 2_000;
const LIVENESS_TIMEOUT_MS = 5_000;

/** Whether the child's /health answers 200 within `timeoutMs`. */
function healthy(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/health", timeout: timeoutMs }, (r) => {
      r.resume();
      resolve(r.statusCode === 200);
    });
    req.once("timeout", () => req.destroy());
    req.once("error", () => resolve(false));
  });
}

function jsonError(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    "content-type": "application/json",
    ...(status === 503 && { "retry-after": "5" }),
  });
  res.end(
    JSON.stringify({ error: { message, type: "server_error", param: null, code: "engine_unavailable" } }),
  );
}

/**
 * Serves `host:port`, forwarding to a child running this command line with `--host 127.0.0.1 --port P`;
 * resolves after SIGINT/SIGTERM has stopped the child.
 */
export async function superviseServe(host: string, port: number): Promise<void> {
  let child: ChildProcess | undefined;
  let childPort = 0;
  let ready = false;
  let stopping = false;
  let backoff = 1000;
  let lastExit = "starting";
  const log = (m: string) => process.stderr.write(`rio serve (supervisor): ${m}\n`);

  let restart: NodeJS.Timeout | undefined;
  const start = async () => {
    if (stopping) return;
    childPort = await freeLoopbackPort();
    ready = false;
    const args = [...process.argv.slice(1), "--host", "127.0.0.1", "--port", String(childPort)];
    const proc = spawn(process.execPath, args, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, [SERVE_CHILD_ENV]: "1" },
    });
    child = proc;
    proc.once("exit", (code, signal) => {
      ready = false;
      lastExit = `the engine process ended (${signal ?? `exit ${code}`})`;
      if (stopping) return;
      log(`${lastExit}; restarting in ${backoff / 1000} s`);
      restart = setTimeout(() => void start(), backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    });
    const alive = () => proc.exitCode === null && proc.signalCode === null && !stopping;
    // ready once the child's /health answers
    for (;;) {
      if (!alive()) return;
      if ((await healthy(childPort, 1000)) && child === proc) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    ready = true;
    backoff = 1000;
    // liveness: an engine whose event loop stops answering (seen once after a lost RPC server: every
    // thread waiting, no abort) is killed, so its requests fail visibly and it is restarted
    while (alive()) {
      await new Promise((r) => setTimeout(r, LIVENESS_EVERY_MS));
      if (alive() && !(await healthy(childPort, LIVENESS_TIMEOUT_MS)) && alive()) {
        log(`the engine did not answer /health within ${LIVENESS_TIMEOUT_MS / 1000} s; killing it`);
        proc.kill("SIGKILL");
      }
    }
  };

  const server = http.createServer((req, res) => {
    if (!ready) {
      jsonError(res, 503, `the engine is not running (${lastExit}); retry shortly`);
      return;
    }
    const upstream = http.request(
      { host: "127.0.0.1", port: childPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // the child died mid-answer: cut the client's connection so the failure is visible
        answer.once("aborted", () => res.destroy());
        answer.once("error", () => res.destroy());
      },
    );
    upstream.once("error", () =>
      jsonError(
        res,
        502,
        "the engine process ended while answering this request (an RPC server may be lost)",
      ),
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  log(`listening on http://${host}:${(server.address() as { port: number }).port}, starting the engine`);
  void start();

  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        stopping = true;
        clearTimeout(restart);
        log(`${signal}: stopping the engine`);
        const done = () => server.close(() => resolve());
        if (child && child.exitCode === null && child.signalCode === null) {
          child.once("exit", done);
          child.kill("SIGTERM");
        } else done();
      });
  });
}
