import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config.js';
import { upstreamRequestHeaders } from './headers.js';
import { claimReplay, issueReplayTicket, REPLAY_HEADER, replayConfig } from './replay-link.js';

const ORIGINAL = '0190f3c2a1b4-0003-9f2c1d';
const done = Promise.resolve();
const config = { ...defaultConfig(), modifierText: ' Answer in French.', modifierEnabled: true };

describe('the replay link header', () => {
  it('is never forwarded upstream', () => {
    const out = upstreamRequestHeaders({ [REPLAY_HEADER]: ORIGINAL, 'anthropic-version': '2023-06-01' }, { apiKey: null });
    expect(out).not.toHaveProperty(REPLAY_HEADER);
    expect(out['anthropic-version']).toBe('2023-06-01');
  });

  it('records a link to an id of the right shape, and ignores anything else', () => {
    expect(claimReplay({}, 'new', done)).toBeNull();
    expect(claimReplay({ [REPLAY_HEADER]: ORIGINAL }, 'new', done)).toBe(ORIGINAL);
    expect(claimReplay({ [REPLAY_HEADER]: '../../etc/passwd' }, 'new', done)).toBeNull();
    expect(claimReplay({ [REPLAY_HEADER]: `${ORIGINAL}; modifier=off` }, 'new', done)).toBeNull();
  });

  it('lets only a ticket turn the modifier off: a client setting the header gets a link and nothing more', () => {
    const forged = { [REPLAY_HEADER]: `${ORIGINAL}; ticket=${'0'.repeat(32)}` };
    expect(replayConfig(config, forged)).toBe(config);
    expect(claimReplay(forged, 'new', done)).toBe(ORIGINAL);

    const ticket = issueReplayTicket(ORIGINAL, false);
    const headers = { [REPLAY_HEADER]: ticket.header };
    expect(replayConfig(config, headers).modifierEnabled).toBe(false);
    expect(replayConfig(config, {})).toBe(config);
    expect(ticket.claimed()).toBeNull();
    expect(claimReplay(headers, 'replay-id', done)).toBe(ORIGINAL);
    expect(ticket.claimed()).toEqual({ exchangeId: 'replay-id', done });
    // Single use: sent again, the same header is only a link.
    expect(replayConfig(config, headers)).toBe(config);
  });

  it('keeps the modifier for a ticket that asks for it, and only for the exchange it names', () => {
    const keep = issueReplayTicket(ORIGINAL, true);
    expect(replayConfig(config, { [REPLAY_HEADER]: keep.header })).toBe(config);
    const other = issueReplayTicket(ORIGINAL, false);
    const elsewhere = other.header.replace(ORIGINAL, '0190f3c2a1b4-0004-aaaaaa');
    expect(replayConfig(config, { [REPLAY_HEADER]: elsewhere })).toBe(config);
    other.release();
    expect(replayConfig(config, { [REPLAY_HEADER]: other.header })).toBe(config);
    keep.release();
  });
});
