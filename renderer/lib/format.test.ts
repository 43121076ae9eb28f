import { describe, expect, it } from 'vitest';
import {
  byteLength,
  formatBytes,
  formatClock,
  formatDateTime,
  formatDuration,
  formatInteger,
  formatPercent,
  formatRelative,
  formatTokens,
  formatUsd,
  statusTone,
} from './format.js';

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [-1, '—'],
    [Number.NaN, '—'],
    [0, '0 ms'],
    [850.4, '850 ms'],
    [999, '999 ms'],
    [1000, '1.00 s'],
    [1234, '1.23 s'],
    [12_345, '12.3 s'],
    [65_000, '1m 05s'],
    [3_600_000, '1h 00m'],
    [3_723_000, '1h 02m'],
  ])('%s ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('formatBytes', () => {
  it.each([
    [undefined, '—'],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [200 * 1024, '200 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
  ])('%s → %s', (n, text) => expect(formatBytes(n)).toBe(text));
});

describe('token and number formats', () => {
  it.each([
    [null, '—'],
    [0, '0'],
    [950, '950'],
    [1000, '1k'],
    [1234, '1.23k'],
    [12_345, '12.3k'],
    [999_999, '1000k'],
    [1_200_000, '1.2M'],
    [25_000_000, '25M'],
  ])('formatTokens(%s) → %s', (n, text) => expect(formatTokens(n)).toBe(text));

  it('groups integers with commas', () => {
    expect(formatInteger(1234567)).toBe('1,234,567');
    expect(formatInteger(null)).toBe('—');
  });

  it.each([
    [null, '—'],
    [0, '$0.00'],
    [0.000123, '$0.00012'],
    [0.0049, '$0.0049'],
    [0.01, '$0.01'],
    [1.005, '$1.01'],
    [1234.5, '$1,234.50'],
  ])('formatUsd(%s) → %s', (n, text) => expect(formatUsd(n)).toBe(text));

  it('formats ratios as percentages', () => {
    expect(formatPercent(0.4251)).toBe('42.5%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('times', () => {
  const t = new Date(2026, 2, 4, 5, 6, 7, 89).getTime();

  it('prints local date-time and clock with milliseconds', () => {
    expect(formatDateTime(t)).toBe('2026-03-04 05:06:07');
    expect(formatClock(t)).toBe('05:06:07.089');
    expect(formatDateTime(null)).toBe('—');
  });

  it('describes relative times coarsely', () => {
    expect(formatRelative(t, t + 2_000)).toBe('just now');
    expect(formatRelative(t, t + 42_000)).toBe('42 s ago');
    expect(formatRelative(t, t + 5 * 60_000)).toBe('5 min ago');
    expect(formatRelative(t, t + 3 * 3_600_000)).toBe('3 h ago');
    expect(formatRelative(t, t + 2 * 86_400_000)).toBe('2 d ago');
    expect(formatRelative(t, t + 90 * 86_400_000)).toBe('2026-03-04');
    expect(formatRelative(t + 10_000, t)).toBe('in the future');
  });
});

describe('statusTone', () => {
  it('classifies statuses and outcomes', () => {
    expect(statusTone(200, 'ok')).toBe('ok');
    expect(statusTone(null)).toBe('pending');
    expect(statusTone(429, 'upstream_error')).toBe('warn');
    expect(statusTone(529, 'upstream_error')).toBe('error');
    expect(statusTone(502, 'proxy_error')).toBe('error');
    expect(statusTone(null, 'proxy_error')).toBe('error');
    expect(statusTone(200, 'client_aborted')).toBe('muted');
    expect(statusTone(404)).toBe('warn');
  });
});

it('measures UTF-8 bytes, not UTF-16 units', () => {
  expect(byteLength('é')).toBe(2);
  expect(byteLength(null)).toBe(0);
});
