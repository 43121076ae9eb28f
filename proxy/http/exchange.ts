/**
 * One exchange's recorder. Routes tell it what happened (request parsed, response
 * started, each chunk, the end); it emits the live events and hands one finished record
 * to the history. Everything here runs after the bytes were written to the client, and
 * the history write itself happens on another thread, so a stream never waits for it.
 */
import type { IncomingMessage } from 'node:http';
import type { ProxyError } from './errors.js';
import type { ProxyEvents } from '../lib/events.js';
import { headerValue, isEventStream } from './headers.js';
import { forwardedBytes, type BodyValue, type ForwardedValue, type History, type QueuedRecord } from '../history/index.js';
import { newExchangeId } from './ids.js';
import { stringifyJson } from '../lib/walk.js';
import type { Logger } from '../lib/log.js';
import { logValue } from '../lib/log-safe.js';
import { bodyText, ERROR_LOG_MAX, finishLine, truncate } from './exchange-log.js';
import { ByteCollector } from '../lib/byte-collector.js';
import { bodyPool } from '../lib/buffer-pool.js';
import { redactHeaders, scrubSecrets, type HeaderBag } from '../lib/redact.js';
import { createStreamAssembler, usageFromAnthropic } from '../anthropic/sse-assembler.js';
import { summarizeStream, type StreamSummary } from '../anthropic/sse-summary.js';
import type { Dialect, ExchangeOutcome, Usage } from '../contract/types.js';
import { isRecord } from '../lib/json.js';
import { claimReplay } from './replay-link.js';

export interface RecorderDeps {
  events: ProxyEvents;
  history: History;
  logger: Logger;
  maxStoredResponseBytes: number;
  /** Secrets to scrub from any error text that reaches the history or the UI. */
  secrets(): Array<string | null>;
}

export interface RequestFacts {
  model: string | null;
  stream: boolean;
  /** Text, or the UTF-8 bytes as received/sent: the history stores either as text. Bytes
   * from the body pool become the exchange's: it releases them once it is recorded. */
  originalBody: BodyValue;
  /** Or the modifier's splice of `originalBody` (which is then bytes). */
  forwardedBody: ForwardedValue;
  modified: boolean;
}

/** How an exchange ended: nothing for a normal end, else the error and, when the error alone
 * does not say it, the outcome. */
export interface ExchangeEnd {
  error?: ProxyError;
  outcome?: ExchangeOutcome;
}

type Assembler = ReturnType<typeof createStreamAssembler>;

export class Exchange {
  readonly id: string;
  readonly startedAt: number;
  readonly #t0 = performance.now();
  readonly #deps: RecorderDeps;
  readonly #record: QueuedRecord;
  #started = false;
  #finished = false;
  readonly #response = new ByteCollector();
  #eventStream = false;
  /** Only for a stream longer than what is stored (see chunk). */
  #assembler: Assembler | null = null;
  #done!: () => void;
  /** Settles when the exchange is recorded: lets shutdown wait for in-flight work. */
  readonly done = new Promise<void>((resolve) => (this.#done = resolve));

  constructor(deps: RecorderDeps, req: IncomingMessage, dialect: Dialect) {
    this.#deps = deps;
    this.startedAt = Date.now();
    this.id = newExchangeId(this.startedAt);
    this.#record = {
      id: this.id,
      startedAt: this.startedAt,
      ttfbMs: null,
      durationMs: null,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      dialect,
      model: null,
      stream: false,
      status: null,
      outcome: 'ok',
      stopReason: null,
      usage: null,
      error: null,
      userAgent: headerValue(req.headers, 'user-agent') ?? null,
      modified: false,
      requestHeaders: redactHeaders(req.headers as HeaderBag),
      originalBody: null,
      forwardedBody: null,
      responseHeaders: {},
      responseBody: null,
      responseTruncated: false,
      assembled: null,
      replayOf: claimReplay(req.headers, this.id, this.done),
    };
  }

  get finished(): boolean {
    return this.#finished;
  }

  #elapsed(): number {
    return Math.round(performance.now() - this.#t0);
  }

  /** Announces the request once its facts are known. Safe to call once. */
  begin(facts: RequestFacts): void {
    if (this.#started) return;
    this.#started = true;
    Object.assign(this.#record, facts);
    const r = this.#record;
    const { logger, events } = this.#deps;
    events.emit('request:start', {
      id: r.id,
      startedAt: r.startedAt,
      // Live events feed the dashboard's log view: bounded and escaped like the log itself.
      method: logValue(r.method),
      path: logValue(r.path),
      dialect: r.dialect,
      model: r.model === null ? null : logValue(r.model),
      stream: r.stream,
      modified: r.modified,
    });
    if (logger.enabled('info')) {
      logger.info(`→ ${logValue(r.method)} ${logValue(r.path)}${r.model ? ` ${logValue(r.model)}` : ''}${r.stream ? ' stream' : ''}${r.modified ? ' +modifier' : ''}`, r.id);
    }
    if (logger.enabled('debug')) {
      logger.debug(`  headers ${JSON.stringify(r.requestHeaders)}`, r.id);
      const forwarded = forwardedBytes(r);
      if (forwarded) logger.debug(`  forwarded body ${truncate(bodyText(forwarded), 4096)}`, r.id);
    }
  }

  /**
   * The upstream request writes views of the sent body (a splice) and may still be writing
   * when the exchange ends (an early answer): it holds the body too, until the returned
   * function is called, when upstream is done with it.
   */
  upstreamReading(): () => void {
    const body = this.#record.originalBody;
    bodyPool.retain(body);
    let called = false;
    return () => {
      if (called) return;
      called = true;
      bodyPool.release(body);
    };
  }

  /** For bodies that stream upstream and are only known in full later; pooled bytes as in begin. */
  setBodies(original: BodyValue, forwarded: BodyValue): void {
    if (this.#finished) return bodyPool.release(original);
    this.#record.originalBody = original;
    this.#record.forwardedBody = forwarded;
  }

  responseStarted(status: number, headers: HeaderBag): void {
    const r = this.#record;
    r.status = status;
    r.ttfbMs = this.#elapsed();
    r.responseHeaders = redactHeaders(headers);
    if (isEventStream(headers)) r.stream = this.#eventStream = true;
    this.#deps.events.emit('response:start', { id: r.id, status, ttfbMs: r.ttfbMs });
  }

  /** Called after the chunk was handed to the client. */
  chunk(chunk: Buffer): void {
    const room = this.#deps.maxStoredResponseBytes - this.#response.length;
    if (chunk.length > room && this.#eventStream && !this.#assembler) {
      // The stored bytes will not hold the whole stream, so the writer could not assemble its
      // message from them: from here on it is assembled here, starting from what was stored.
      this.#assembler = createStreamAssembler();
      this.#response.forEach((stored) => this.#assembler!.push(stored));
    }
    if (room > 0) this.#response.push(chunk.length <= room ? chunk : chunk.subarray(0, room));
    if (chunk.length > room) this.#record.responseTruncated = true;
    this.#assembler?.push(chunk);
  }

  /** The exchange ended: normally, with an error (before or after headers), or by the client. */
  finish(end: ExchangeEnd = {}): void {
    if (this.#finished) return;
    this.#finished = true;
    const r = this.#record;
    const deps = this.#deps;
    r.durationMs = this.#elapsed();
    if (!this.#started) this.begin({ model: null, stream: false, originalBody: null, forwardedBody: null, modified: false });

    // Kept as bytes for the history (stored as the same text); decoded here only to read a JSON answer.
    const bytes = this.#response.take();
    r.responseBody = bytes;
    this.#summarize(bytes);

    if (end.error) {
      const err = end.error;
      r.error = scrubSecrets(`${err.code}: ${err.message}`, deps.secrets());
      r.outcome = end.outcome ?? (err.code === 'CLIENT_ABORTED' ? 'client_aborted' : 'proxy_error');
      if (r.status === null && err.code !== 'CLIENT_ABORTED') r.status = err.status;
    } else if (end.outcome) {
      r.outcome = end.outcome;
    } else if (r.status !== null && r.status >= 400) {
      r.outcome = 'upstream_error';
    }

    try {
      deps.history.add({ ...r });
    } catch (e) {
      deps.logger.error(`history: could not queue exchange ${r.id}: ${(e as Error).message}`);
    }
    // The history holds what it keeps of the bodies (outbox.ts); the exchange is done with them.
    bodyPool.release(bytes);
    bodyPool.release(r.originalBody);
    if (end.error) {
      deps.events.emit('request:error', { id: r.id, code: end.error.code, message: logValue(r.error ?? '', ERROR_LOG_MAX), status: r.status });
    }
    deps.events.emit('request:finish', {
      id: r.id,
      status: r.status,
      outcome: r.outcome,
      durationMs: r.durationMs,
      model: r.model === null ? null : logValue(r.model),
      stopReason: r.stopReason === null ? null : logValue(r.stopReason),
      usage: r.usage,
      error: r.error === null ? null : logValue(r.error, ERROR_LOG_MAX),
    });
    const level = r.outcome === 'ok' ? 'info' : 'warn';
    if (deps.logger.enabled(level)) deps.logger[level](finishLine(r), r.id);
    this.#done();
  }

  /** Fills model, usage, stop reason and error from what came back. */
  #summarize(bytes: Buffer | null): void {
    const r = this.#record;
    if (this.#eventStream) {
      let a: StreamSummary;
      if (this.#assembler) {
        const assembled = this.#assembler.end();
        this.#assembler = null;
        if (assembled.message) r.assembled = stringifyJson(assembled.message)!;
        a = assembled;
      } else {
        // What the log and the record's columns need; the history's writer assembles the message from the stored bytes.
        a = summarizeStream(bytes);
      }
      r.model = a.model ?? r.model;
      r.stopReason = a.stopReason;
      r.usage = a.usage;
      if (a.error) {
        r.error = `${a.error.type}: ${a.error.message}`;
        r.outcome = 'upstream_error';
      }
      return;
    }
    if (!bytes?.length || r.responseTruncated || !(r.responseHeaders['content-type'] ?? '').includes('json')) return;
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      return;
    }
    if (!isRecord(body)) return;
    if (body.type === 'error' && isRecord(body.error)) {
      r.error = `${String(body.error.type)}: ${String(body.error.message)}`;
      return;
    }
    if (body.type === 'message') {
      if (typeof body.model === 'string') r.model = body.model;
      r.stopReason = typeof body.stop_reason === 'string' ? body.stop_reason : null;
      r.usage = usageFromAnthropic(body.usage);
    } else if (typeof body.input_tokens === 'number') {
      // count_tokens answers with the bare count.
      r.usage = { input: body.input_tokens, output: 0, cacheRead: 0, cacheCreation: 0 } satisfies Usage;
    }
  }
}
