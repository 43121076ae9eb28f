import { describe, expect, it } from 'vitest';
import { ProxyEvents } from './events.js';

const log = { time: 1, level: 'info' as const, message: 'm' };

describe('ProxyEvents', () => {
  it('delivers to every listener, once-listeners once, and unsubscribes', () => {
    const events = new ProxyEvents();
    const seen: string[] = [];
    const off = events.on('log', (l) => seen.push(`on ${l.message}`));
    events.once('log', (l) => seen.push(`once ${l.message}`));
    events.emit('log', log);
    events.emit('log', { ...log, message: 'n' });
    off();
    events.emit('log', log);
    expect(seen).toEqual(['on m', 'once m', 'on n']);
    expect(events.listenerCount('log')).toBe(0);
  });

  it('keeps going when a listener throws, and reports it', () => {
    const events = new ProxyEvents();
    const errors: string[] = [];
    events.onListenerError((err, name) => errors.push(`${name}: ${(err as Error).message}`));
    const seen: string[] = [];
    events.on('log', () => {
      throw new Error('broken subscriber');
    });
    events.on('log', (l) => seen.push(l.message));
    expect(() => events.emit('log', log)).not.toThrow();
    expect(seen).toEqual(['m']);
    expect(errors).toEqual(['log: broken subscriber']);
  });
});
