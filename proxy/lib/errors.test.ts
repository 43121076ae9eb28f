import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { toErrorReply } from '../control/errors.js';
import { HistoryError } from '../history/errors.js';
import { HostError } from '../host/args.js';
import { errors, ProxyError } from '../http/errors.js';
import { ListenError } from './listen.js';
import { SettingsError } from '../settings/errors.js';
import { AddendumError, errorCodeOf, statusForCode } from './errors.js';

describe('one error base', () => {
  it('every error class carries code, status, expose and cause through the base', () => {
    const cause = new Error('root');
    const all: AddendumError[] = [
      errors.upstreamTimeout('connect', cause),
      new HistoryError('HISTORY_CLOSED', 'closed', { cause }),
      new SettingsError('SETTINGS_IO', 'disk', { cause }),
      new ListenError('PORT_IN_USE', 'port 1 is in use', { cause }),
      new ConfigError('port: bad'),
      new HostError('id: bad'),
    ];
    for (const err of all) {
      expect(err).toBeInstanceOf(AddendumError);
      expect(err.status).toBe(statusForCode(err.code));
      expect(err.name).toBe(err.constructor.name);
      if (!(err instanceof ConfigError) && !(err instanceof HostError)) expect(err.cause).toBe(cause);
    }
    expect(errors.clientAborted('mid-response').message).toBe('Client closed the connection mid-response.');
    expect(new ProxyError('NOT_FOUND', 'gone').status).toBe(404);
  });

  it('answers a bad config with 400 and its message, not a generic 500', () => {
    expect(toErrorReply(new ConfigError('port: must be a whole number'))).toEqual({
      status: 400,
      body: { error: { code: 'BAD_CONFIG', message: 'port: must be a whole number' } },
      known: true,
    });
  });

  it('keeps messages that may name files or disks out of replies', () => {
    expect(toErrorReply(new HistoryError('HISTORY_OPEN_FAILED', 'cannot open /home/me/history.db')).body.error.code).toBe('INTERNAL');
    expect(errorCodeOf({ code: 'EACCES' })).toBeNull();
    expect(errorCodeOf({ code: 'HISTORY_CLOSED' })).toBe('HISTORY_CLOSED');
  });
});
