/**
 * The internal request header that marks a replay: `x-addendum-replay-of: <exchange id>`,
 * plus `; ticket=<nonce>` when the dashboard sent it. The proxy strips it before forwarding
 * (headers.ts) and records the link on the exchange (exchange.ts).
 *
 * Any local client could set the header, so by itself it does nothing but set a link to an
 * id of the right shape. Everything else (turning the modifier off for this one request,
 * telling the host which exchange its replay became) needs a ticket: a random single-use
 * nonce the host issues in this process and the proxy consumes on arrival.
 */
import { randomBytes } from 'node:crypto';
import type { ProxyConfig } from '../config.js';

export const REPLAY_HEADER = 'x-addendum-replay-of';

/** The shape of newExchangeId (ids.ts). */
const EXCHANGE_ID = /^[0-9a-f]{12}-[0-9a-f]{4}-[0-9a-f]{6}$/;
const HEADER = /^\s*([^;\s]+)\s*(?:;\s*ticket=([0-9a-f]{32})\s*)?$/;

export interface ReplayClaim {
  exchangeId: string;
  /** Settles when the replay is recorded (Exchange.done). */
  done: Promise<void>;
}

interface Ticket {
  of: string;
  modifier: boolean;
  claim(c: ReplayClaim): void;
}

const tickets = new Map<string, Ticket>();

type Headers = Record<string, string | string[] | undefined>;

function parse(headers: Headers): { of: string; nonce: string | null; ticket: Ticket | null } | null {
  const raw = headers[REPLAY_HEADER];
  if (raw === undefined) return null;
  const match = HEADER.exec(Array.isArray(raw) ? (raw[0] ?? '') : raw);
  if (!match || !EXCHANGE_ID.test(match[1]!)) return null;
  const ticket = match[2] ? tickets.get(match[2]) : undefined;
  // A ticket only counts for the exchange it was issued for.
  return ticket && ticket.of === match[1] ? { of: match[1]!, nonce: match[2]!, ticket } : { of: match[1]!, nonce: null, ticket: null };
}

/** The config one request runs with: a ticketed replay without the modifier turns it off. */
export function replayConfig(config: ProxyConfig, headers: Headers): ProxyConfig {
  if (headers[REPLAY_HEADER] === undefined) return config;
  const ticket = parse(headers)?.ticket;
  return ticket && !ticket.modifier && config.modifierEnabled ? { ...config, modifierEnabled: false } : config;
}

/** The link to record for a new exchange; hands a ticketed replay's id to the host that issued it. */
export function claimReplay(headers: Headers, exchangeId: string, done: Promise<void>): string | null {
  if (headers[REPLAY_HEADER] === undefined) return null;
  const parsed = parse(headers);
  if (parsed === null) return null;
  if (parsed.ticket && parsed.nonce) {
    tickets.delete(parsed.nonce);
    parsed.ticket.claim({ exchangeId, done });
  }
  return parsed.of;
}

export interface IssuedTicket {
  /** The header value to send. */
  header: string;
  /** The exchange the request became, once the proxy took it in; null before (or never). */
  claimed(): ReplayClaim | null;
  /** Forgets an unclaimed ticket (the request never reached a route). */
  release(): void;
}

export function issueReplayTicket(of: string, modifier: boolean): IssuedTicket {
  const nonce = randomBytes(16).toString('hex');
  let claimed: ReplayClaim | null = null;
  tickets.set(nonce, { of, modifier, claim: (c) => (claimed = c) });
  return { header: `${of}; ticket=${nonce}`, claimed: () => claimed, release: () => void tickets.delete(nonce) };
}
