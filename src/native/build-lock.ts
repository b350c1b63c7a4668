/**
 * @module A cross-process lock file for one-time builds into a shared cache: the first process builds,
 * the others wait for it instead of compiling the same thing again. A lock whose owner has died (or that
 * is older than any build) is taken over, so a crash never blocks later runs. Two waiters taking over
 * the same stale lock at once may both build; that costs time, not correctness, because each build
 * goes to its own folder and is published by one atomic rename.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Longer than any native build; a lock this old is abandoned whatever its owner's state. */
const STALE_AFTER_MS = 60 * 60 * 1000;
const POLL_MS = 500;

function ownerAlive(lockPath: string): boolean {
  let pid: number;
  try {
    if (Date.now() - statSync(lockPath).mtimeMs > STALE_AFTER_MS) return false;
    pid = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
  } catch {
    return false; // removed meanwhile: free
  }
  return processAlive(pid);
}

/** Whether process `pid` exists on this machine. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by another user
  }
}

/**
 * Runs `fn` holding `lockPath`. While another live process holds it, polls `done()` and returns
 * undefined as soon as that reports the other process's result exists; `onWait` is called once.
 */
export async function withBuildLock<T>(
  lockPath: string,
  done: () => boolean,
  onWait: (ownerPid: string) => void,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  let waited = false;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(lockPath, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      try {
        return await fn();
      } finally {
        try {
          unlinkSync(lockPath);
        } catch {
          // already taken over as stale
        }
      }
    }
    if (done()) return undefined;
    if (!ownerAlive(lockPath)) {
      try {
        unlinkSync(lockPath);
      } catch {
        // another waiter removed it first
      }
      continue;
    }
    if (!waited) {
      waited = true;
      let owner = "?";
      try {
        owner = readFileSync(lockPath, "utf8").trim();
      } catch {
        // released meanwhile
      }
      onWait(owner);
    }
    await sleep(POLL_MS);
  }
}
