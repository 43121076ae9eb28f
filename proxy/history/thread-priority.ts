/**
 * The history writer yields the cores to the proxy. On a busy machine (two cores shared by
 * the proxy, its clients and the writer) a writer thread at normal priority takes a core
 * exactly when streams need it, and their per-event latency and time to first byte pay
 * for it. The writer is never on a stream's path, so it can wait.
 *
 * Only Linux gives each thread its own nice value: `setpriority(PRIO_PROCESS, 0)` from a
 * thread applies to that thread alone. On macOS and Windows the same call reprioritizes the
 * whole process, proxy included, so there it is not made.
 */
import { setPriority } from 'node:os';

/** A nice value: low enough to lose to the proxy, not so low that a backlog starves. */
export const WRITER_NICENESS = 10;

/** Whether lowering the calling thread's priority leaves the rest of the process alone. Pure. */
export function perThreadPriority(platform: NodeJS.Platform): boolean {
  return platform === 'linux';
}

/**
 * Lowers the calling thread's priority where that is per thread. Returns whether it did;
 * a refusal (a sandbox without the right, a container's seccomp policy) only means the
 * writer keeps normal priority.
 */
export function lowerThreadPriority(platform: NodeJS.Platform = process.platform, set: (priority: number) => void = (p) => setPriority(p)): boolean {
  if (!perThreadPriority(platform)) return false;
  try {
    set(WRITER_NICENESS);
    return true;
  } catch {
    return false;
  }
}
