import type { ProxyEvents } from './events.js';
import type { LogLevel } from '../contract/types.js';
import { logLine } from './log-safe.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}

export interface Logger {
  level: LogLevel;
  debug(message: string, exchangeId?: string): void;
  info(message: string, exchangeId?: string): void;
  warn(message: string, exchangeId?: string): void;
  error(message: string, exchangeId?: string): void;
  enabled(level: LogLevel): boolean;
}

/**
 * Log lines go to the live event stream (the UI's log) and, headless, to the console.
 * Callers build expensive messages only after `enabled()` says the level is on.
 */
export function createLogger(events: ProxyEvents, options: { level: LogLevel; console?: boolean }): Logger {
  const toConsole = options.console ?? false;
  const logger: Logger = {
    level: options.level,
    enabled: (level) => RANK[level] >= RANK[logger.level],
    debug: (m, id) => write('debug', m, id),
    info: (m, id) => write('info', m, id),
    warn: (m, id) => write('warn', m, id),
    error: (m, id) => write('error', m, id),
  };
  function write(level: LogLevel, raw: string, exchangeId?: string): void {
    if (!logger.enabled(level)) return;
    const message = logLine(raw);
    const time = Date.now();
    events.emit('log', exchangeId === undefined ? { time, level, message } : { time, level, message, exchangeId });
    if (toConsole) {
      const line = `${new Date(time).toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`;
      (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line);
    }
  }
  return logger;
}
