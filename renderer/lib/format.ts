/** Display formatting. Pure and locale-stable (en-US digits) so tests and screenshots agree. */

const DASH = '—';
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function isNum(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

export function formatDuration(ms: number | null | undefined): string {
  if (!isNum(ms) || ms < 0) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes < 60) return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}

const UNITS = ['KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (!isNum(bytes) || bytes < 0) return DASH;
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

export function formatInteger(n: number | null | undefined): string {
  return isNum(n) ? integer.format(n) : DASH;
}

/** Compact token counts for dense rows: 950, 12.3k, 1.2M. */
export function formatTokens(n: number | null | undefined): string {
  if (!isNum(n)) return DASH;
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  if (abs < 1_000_000) return `${trimZero((n / 1000).toFixed(abs < 10_000 ? 2 : 1))}k`;
  return `${trimZero((n / 1_000_000).toFixed(abs < 10_000_000 ? 2 : 1))}M`;
}

function trimZero(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Small amounts keep enough digits to be distinguishable from zero. */
export function formatUsd(amount: number | null | undefined): string {
  if (!isNum(amount)) return DASH;
  if (amount === 0) return '$0.00';
  const abs = Math.abs(amount);
  const sign = amount < 0 ? '-' : '';
  if (abs < 0.01) return `${sign}$${abs.toPrecision(2)}`;
  return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (!isNum(ratio)) return DASH;
  return `${(ratio * 100).toFixed(digits)}%`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local time, e.g. "2026-03-04 05:06:07". */
export function formatDateTime(epochMs: number | null | undefined): string {
  if (!isNum(epochMs)) return DASH;
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local clock time with milliseconds, for the live log. */
export function formatClock(epochMs: number | null | undefined): string {
  if (!isNum(epochMs)) return DASH;
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatRelative(epochMs: number | null | undefined, now: number): string {
  if (!isNum(epochMs)) return DASH;
  const seconds = Math.round((now - epochMs) / 1000);
  if (seconds < 0) return 'in the future';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 30) return `${days} d ago`;
  return formatDateTime(epochMs).slice(0, 10);
}

export type Tone = 'ok' | 'warn' | 'error' | 'pending' | 'muted';

/** Colour class for a status cell: 4xx is the client's problem (warn), 5xx and proxy
 * failures are errors, an aborted client is neither. */
export function statusTone(status: number | null, outcome?: string | null): Tone {
  if (outcome === 'client_aborted') return 'muted';
  if (outcome === 'proxy_error' || outcome === 'upstream_error') return status !== null && status < 500 ? 'warn' : 'error';
  if (status === null) return outcome ? 'error' : 'pending';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'ok';
}

export function byteLength(text: string | null | undefined): number {
  if (!text) return 0;
  return new TextEncoder().encode(text).length;
}
