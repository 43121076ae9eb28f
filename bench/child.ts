/**
 * Each server under test runs in its own process (child_process.fork of the compiled
 * module), so the load generator never shares an event loop with it. Both sides of that
 * small IPC protocol live here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Served {
  url: string;
  close(): Promise<void>;
  /** Waits until work the server deferred (history writes) is done. */
  flush?(): Promise<void>;
  /** Of the exchanges stored after row `after`, those without their bodies because the history writer was behind; and the last row's seq. */
  shedSince?(after: number): { shed: number; lastSeq: number };
}

/** The requests the parent waits an answer for; each goes with an id the answer repeats. */
type Question = { t: 'flush' } | { t: 'memory' } | { t: 'shed'; after: number };
type ToChild = (Question & { id: number }) | { t: 'stop' };
type FromChild =
  | { t: 'ready'; url: string }
  | { t: 'flushed'; id: number; ms: number }
  | { t: 'memory'; id: number; usage: NodeJS.MemoryUsage }
  | { t: 'shed'; id: number; shed: number; lastSeq: number }
  | { t: 'failed'; message: string };

/** Listens on loopback and gives the URL and a close that also ends kept-alive sockets. */
export async function listenLoopback(server: Server, port: number, onClose?: () => void): Promise<Served> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        onClose?.();
      }),
  };
}

/** True when `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === moduleUrl;
}

/** Child side: starts the server, reports its URL, answers flush and stop. */
export function serveChild(start: () => Promise<Served>): void {
  const send = (m: FromChild): void => void process.send?.(m);
  start().then(
    (served) => {
      process.on('message', (m: ToChild) => {
        if (m.t === 'flush') {
          const t0 = performance.now();
          void (served.flush?.() ?? Promise.resolve()).then(() => send({ t: 'flushed', id: m.id, ms: performance.now() - t0 }));
        } else if (m.t === 'memory') {
          // With --expose-gc the figures show live memory rather than garbage awaiting collection.
          (globalThis as { gc?: () => void }).gc?.();
          send({ t: 'memory', id: m.id, usage: process.memoryUsage() });
        } else if (m.t === 'shed') {
          send({ t: 'shed', id: m.id, ...(served.shedSince?.(m.after) ?? { shed: 0, lastSeq: 0 }) });
        } else if (m.t === 'stop') {
          // A clean exit lets --cpu-prof write its profile.
          void served.close().finally(() => process.exit(0));
        }
      });
      send({ t: 'ready', url: served.url });
    },
    (err: Error) => {
      send({ t: 'failed', message: err.stack ?? err.message });
      process.exit(1);
    },
  );
}

export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** Milliseconds the child needed to finish deferred work. */
  flush(): Promise<number>;
  /** The child's process.memoryUsage() (main thread's heap; rss covers every thread). */
  memoryUsage(): Promise<NodeJS.MemoryUsage>;
  /** Served.shedSince (nothing shed for a server without a history). */
  shedSince(after: number): Promise<{ shed: number; lastSeq: number }>;
  stop(): Promise<void>;
}

/** Parent side: forks `dist/bench/<module>.js` and resolves once it listens. */
export async function startChild(name: string, module: string, args: string[], execArgv: string[] = []): Promise<ChildServer> {
  const file = fileURLToPath(new URL(`./${module}.js`, import.meta.url));
  const child: ChildProcess = fork(file, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited during start (code ${code})`)));
    child.on('message', (m: FromChild) => {
      if (m.t === 'ready') resolve(m.url);
      if (m.t === 'failed') reject(new Error(`${name} failed to start: ${m.message}`));
    });
  });
  child.removeAllListeners('exit');
  let nextId = 0;
  const ask = <K extends 'flushed' | 'memory' | 'shed'>(question: Question, reply: K): Promise<Extract<FromChild, { t: K }>> => {
    const id = ++nextId;
    return new Promise((resolve) => {
      const onMessage = (m: FromChild): void => {
        if (m.t === reply && m.id === id) {
          child.off('message', onMessage);
          resolve(m as Extract<FromChild, { t: K }>);
        }
      };
      child.on('message', onMessage);
      child.send({ ...question, id } satisfies ToChild);
    });
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid!,
    url,
    flush: async () => (await ask({ t: 'flush' }, 'flushed')).ms,
    memoryUsage: async () => (await ask({ t: 'memory' }, 'memory')).usage,
    shedSince: async (after) => {
      const { shed, lastSeq } = await ask({ t: 'shed', after }, 'shed');
      return { shed, lastSeq };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ t: 'stop' } satisfies ToChild);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size now and at its peak, and its anonymous and file-backed parts (MB, from /proc). */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number; anonMb: number; fileMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024 };
  } catch {
    return null;
  }
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** A /proc stat line's fields after "pid (comm) ". */
function statFields(statFile: string): string[] {
  const stat = readFileSync(statFile, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime plus stime, the 12th and 13th fields. */
const ticksOf = (f: string[]): number => Number(f[11]) + Number(f[12]);
/** The history writer lowers its own thread's priority to this nice value (proxy/history/thread-priority.ts): no other thread has it. */
const WRITER_NICE = 10;

/** CPU time used so far (ms): the whole process, its main thread alone, and the history writer's thread (NaN without one). */
export function cpuOf(pid: number): { totalMs: number; mainMs: number; writerMs: number } {
  try {
    let main = NaN;
    let writer: number | null = null;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const f = statFields(`/proc/${pid}/task/${tid}/stat`);
      if (tid === String(pid)) main = ticksOf(f);
      // Field 19 is the nice value.
      else if (Number(f[16]) === WRITER_NICE) writer = (writer ?? 0) + ticksOf(f);
    }
    return { totalMs: ticksOf(statFields(`/proc/${pid}/stat`)) * TICK_MS, mainMs: main * TICK_MS, writerMs: (writer ?? NaN) * TICK_MS };
  } catch {
    return { totalMs: NaN, mainMs: NaN, writerMs: NaN };
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest sample. */
export function sampleRss(pid: number, everyMs = 20): { stop(): { peakMb: number; hwmMb: number } } {
  let peak = 0;
  let hwm = 0;
  const take = (): void => {
    const m = memoryOf(pid);
    if (!m) return;
    peak = Math.max(peak, m.rssMb);
    hwm = m.hwmMb;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peakMb: peak, hwmMb: hwm };
    },
  };
}
