/**
 * Replay: sends a stored exchange again through the running proxy, over loopback HTTP like any
 * client, so the modifier, the history and the live view see it as they see every request.
 * Resolves with the new exchange's id once it is in the history, linked to the original.
 */
import { request } from 'node:http';
import { last4Of } from '../contract/credentials.js';
import type { ReplayRequest } from '../contract/types.js';
import { issueReplayTicket } from '../http/replay-link.js';
import type { Proxy } from '../index.js';
import { buildReplayRequest, ReplayError, type ReplaySpec } from './replay-request.js';

/** Sends `spec` to the proxy and reads the answer to its end; resolves with the status. */
function send(baseUrl: string, spec: ReplaySpec): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(new URL(spec.path, baseUrl), { method: spec.method, headers: spec.headers }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('error', (err) =>
      reject(new ReplayError('REPLAY_UNAVAILABLE', `The proxy could not be reached for the replay: ${err.message}`, { cause: err })),
    );
    req.end(spec.body ?? undefined);
  });
}

export async function replayExchange(proxy: Proxy, arg: ReplayRequest): Promise<{ exchangeId: string }> {
  const record = await proxy.history.get(arg.id);
  if (record === null) throw new ReplayError('NOT_FOUND', `Exchange ${arg.id} is not in the history (deleted, or retention removed it).`);
  const baseUrl = proxy.status().baseUrl;
  if (baseUrl === null) throw new ReplayError('REPLAY_UNAVAILABLE', 'The proxy is stopped; start it to replay an exchange.');
  const key = proxy.config().apiKey;
  const ticket = issueReplayTicket(record.id, arg.modifier);
  try {
    const spec = buildReplayRequest(record, {
      ...(arg.body !== undefined ? { body: arg.body } : {}),
      link: ticket.header,
      apiKey: { set: key !== null, last4: key === null ? null : last4Of(key) },
    });
    const status = await send(baseUrl, spec);
    // The exchange is created when the request arrives, long before its answer ends; a
    // refusal before any route (the guard, an unknown path) never creates one.
    const claim = ticket.claimed();
    if (claim === null) throw new ReplayError('REPLAY_UNAVAILABLE', `The proxy answered ${status} without recording the replay.`);
    const { exchangeId, done } = claim;
    await done;
    await proxy.history.flush();
    return { exchangeId };
  } finally {
    ticket.release();
  }
}
