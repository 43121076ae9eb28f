import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerThreadPriority, perThreadPriority, WRITER_NICENESS } from './thread-priority.js';

describe('writer thread priority', () => {
  it('is only lowered where priority is per thread', () => {
    expect(perThreadPriority('linux')).toBe(true);
    expect(perThreadPriority('darwin')).toBe(false);
    expect(perThreadPriority('win32')).toBe(false);
    const calls: number[] = [];
    expect(lowerThreadPriority('darwin', (p) => calls.push(p))).toBe(false);
    expect(lowerThreadPriority('win32', (p) => calls.push(p))).toBe(false);
    expect(calls).toEqual([]);
    expect(lowerThreadPriority('linux', (p) => calls.push(p))).toBe(true);
    expect(calls).toEqual([WRITER_NICENESS]);
  });

  it('keeps normal priority when the system refuses', () => {
    expect(
      lowerThreadPriority('linux', () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      }),
    ).toBe(false);
  });

  it.runIf(process.platform === 'linux')('on Linux, lowers the calling thread and not the process', async () => {
    const before = getPriority();
    // A worker evaluated from source: it sets its own thread's nice value and reports it.
    const worker = new Worker(
      `const os = require('node:os'); const { parentPort } = require('node:worker_threads');
       os.setPriority(${WRITER_NICENESS}); parentPort.postMessage(os.getPriority());`,
      { eval: true },
    );
    const inWorker = await new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(inWorker).toBe(Math.max(before, WRITER_NICENESS));
    expect(getPriority()).toBe(before);
  });
});
