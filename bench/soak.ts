/**
 * The soak: many requests against one fresh Addendum, to show memory that grows with
 * the requests served (a leak) apart from memory that grows with load (buffers, the heap's
 * headroom). RSS is read once warmed up, throughout, and after the history has caught up.
 */
import { sampleRss, type ChildServer } from './child.js';
import { runLoad, type Target } from './load.js';

export interface SoakResult {
  requests: number;
  errors: number;
  startMb: number;
  peakMb: number;
  endMb: number;
}

export async function soak(start: () => Promise<ChildServer>, target: (srv: ChildServer) => Target, requests: number, concurrency: number): Promise<SoakResult> {
  const srv = await start();
  try {
    await runLoad({ ...target(srv), concurrency, requests: 200 });
    await srv.flush();
    const startMb = sampleRss(srv.pid).stop().peakMb;
    const rss = sampleRss(srv.pid, 100);
    const load = await runLoad({ ...target(srv), concurrency, requests });
    await srv.flush();
    const { peakMb } = rss.stop();
    const endMb = sampleRss(srv.pid).stop().peakMb;
    return { requests: load.requests, errors: load.errors, startMb, peakMb, endMb };
  } finally {
    await srv.stop();
  }
}
