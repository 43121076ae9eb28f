/**
 * `npm run bench:history` (or `node dist/bench/history-sessions.js [--quick]`): the history's
 * storage on conversation-shaped traffic, in this process, new storage side by side with
 * schema 1's (bench/legacy-history.ts). Prints numbers; asserts nothing.
 *
 * - replay: 20 sessions x the fixture's 10 Claude Code turns, modifier on, through
 *   openHistory; the data folder's size after a clean close.
 * - workload: S concurrent sessions, each turn its parent plus a tool call and a tool
 *   result of source-file size (different in every session and turn), the fixture's
 *   tools and system prompt; bytes on disk per 1000 turns.
 * - long session: the writer's time per turn (median of the turns around each mark, since
 *   one turn's time varies by a factor of five; and their mean, which includes the turns
 *   that also filled the full-text index) at turns 10, 100 and 500 of one session, beside
 *   it the same turns with the forwarded body handed over as bytes instead of the modifier's
 *   splice, and what SQLite alone needs for such a turn. A write is synchronous and on
 *   one thread, so its wall time is its CPU time (the median drops turns another process
 *   preempted); process CPU time would also count the collector's helper threads cleaning
 *   up after this bench's own megabyte strings.
 * - scale: that session among ~100 000 stored turns; listSessions' first page and
 *   getSession of the 500-turn session, on a read-only connection.
 * The machine may be shared: CPU times and latencies are indicative, sizes are exact.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commonPrefix } from '../proxy/history/body-diff.js';
import { sha256 } from '../proxy/history/body-digest.js';
import { pack } from '../proxy/history/codec.js';
import { answerFor } from '../proxy/history/fixtures.js';
import { forwardedBytes, openHistory, type QueuedRecord } from '../proxy/history/index.js';
import { openReadDatabase, openWriteDatabase } from '../proxy/history/schema.js';
import { SessionReader } from '../proxy/history/session-reader.js';
import { makeRecord } from '../proxy/history/testing.js';
import { HistoryWriter } from '../proxy/history/writer.js';
import { prepareMessagesBody } from '../proxy/http/body.js';
import { BENCH_MODIFIER } from './addendum.js';
import { rng, sourceFile } from './bodies.js';
import { LegacyHistory } from './legacy-history.js';
import { base, fixture, growingBody, turnAnswer } from './session-bodies.js';

const quick = process.argv.includes('--quick');
/** Milliseconds `write` takes. */
function timeWrite(write: () => void): number {
  const t0 = process.hrtime.bigint();
  write();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const tempData = (): string => mkdtempSync(join(tmpdir(), 'addendum-hbench-'));
const folderBytes = (dir: string): number => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const mb = (n: number): string => `${(n / 1048576).toFixed(2)} MB`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A turn as the Messages route hands it over: the sent bytes, and the modifier's splice of them. */
function record(id: string, startedAt: number, session: string, body: string, response: string): QueuedRecord {
  const sent = Buffer.from(body);
  const spliced = prepareMessagesBody(sent, BENCH_MODIFIER);
  return {
    ...makeRecord({ id, startedAt, model: 'claude-opus-4-8', userAgent: 'claude-cli/2.1.197 (external, sdk-cli)' }),
    requestHeaders: { ...fixture[0]!.headers, 'x-claude-code-session-id': session },
    originalBody: sent,
    forwardedBody: spliced.edits ? { edits: spliced.edits } : spliced.forwarded,
    modified: spliced.modified,
    responseBody: Buffer.from(response),
  };
}

async function replay(): Promise<void> {
  const records: QueuedRecord[] = [];
  for (let s = 0; s < 20; s++) {
    fixture.forEach((req, i) => records.push(record(`r${s}-${i}`, Date.now() - 3_600_000 + s * 10_000 + i, `replay-${s}`, req.body, answerFor(fixture[i + 1]))));
  }
  const sent = records.reduce((n, r) => n + (r.originalBody as Buffer).length, 0);
  const dir = tempData();
  const errors: string[] = [];
  const history = await openHistory({ dataDir: dir, retention: { maxRows: 10_000, maxAgeDays: 30 }, onError: (e) => errors.push(e.message) });
  for (const r of records) history.add(r);
  await history.flush();
  const stored = (await history.list({ limit: 500 })).items.length;
  await history.close();
  const legacyDir = tempData();
  const legacy = new LegacyHistory(join(legacyDir, 'history.sqlite'));
  legacy.insertBatch(records);
  legacy.close();
  console.log(`replay: 20 sessions x ${fixture.length} turns, ${mb(sent)} of request bodies sent, ${stored} rows stored, ${errors.length} errors`);
  console.log(`  data folder after close: new ${mb(folderBytes(dir))}, schema 1 ${mb(folderBytes(legacyDir))} (target <= 1 MB)`);
  rmSync(dir, { recursive: true, force: true });
  rmSync(legacyDir, { recursive: true, force: true });
}

function workload(sessions: number, turns: number): void {
  const dir = tempData();
  const db = openWriteDatabase(join(dir, 'history.sqlite'));
  const writer = new HistoryWriter(db, { maxRows: 1_000_000, maxAgeDays: 0 });
  const legacy = new LegacyHistory(join(dir, 'legacy.sqlite'));
  const convs = Array.from({ length: sessions }, () => [...base.messages]);
  for (let t = 0; t < turns; t++) {
    const batch = convs.map((m, s) => record(`w${s}-${t}`, 1_700_000_000_000 + t * 100 + s, `work-${s}`, growingBody(m, s, t), turnAnswer(s, t)));
    writer.insertBatch(batch);
    legacy.insertBatch(batch);
  }
  db.close();
  legacy.close();
  const n = sessions * turns;
  const per = (file: string): string => mb((statSync(join(dir, file)).size * 1000) / n);
  console.log(`workload: ${sessions} concurrent sessions x ${turns} turns`);
  console.log(`  bytes on disk per 1000 turns: new ${per('history.sqlite')}, schema 1 ${per('legacy.sqlite')}`);
  rmSync(dir, { recursive: true, force: true });
}

const FLOOR_PART_BYTES = 7 * 1024;

/**
 * What SQLite alone costs per turn for the least a turn of this workload must store: its row
 * and its one new source-file part (the tool result), compressed and in the full-text index.
 * The writer's per-turn CPU cannot go below this, whatever the conversation's length.
 */
function storageFloor(): number {
  const dir = tempData();
  const db = openWriteDatabase(join(dir, 'history.sqlite'));
  const row = db.prepare<[string, number]>(
    `INSERT INTO exchanges (id, started_at, method, path, dialect, stream, outcome, modified, response_truncated,
       original_size, forwarded_size, response_size, assembled_size, request_headers, response_headers, body_format)
     VALUES (?, ?, 'POST', '/v1/messages', 'anthropic', 1, 'ok', 0, 0, 0, 0, 0, 0, '', '', 2)`,
  );
  const part = db.prepare<[Buffer, number, Buffer], number>("INSERT INTO parts (hash, kind, size, data) VALUES (?, 'message', ?, ?) RETURNING id").pluck();
  const fts = db.prepare<[number, string]>('INSERT INTO parts_fts (rowid, text) VALUES (?, ?)');
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const text = `${i} ${sourceFile(rng(i), 200)}`.slice(0, FLOOR_PART_BYTES);
    const bytes = Buffer.from(text);
    const ms = timeWrite(() =>
      db.transaction(() => {
        row.run(`floor-${i}`, i);
        fts.run(part.get(sha256(bytes), bytes.length, pack(bytes))!, text);
      }).immediate(),
    );
    if (i >= 50) times.push(ms);
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return median(times);
}

/** How many turns on each side of a mark are timed: past 100, enough for two of the full-text index's batches (search-index.ts). */
const around = (mark: number): number => (mark >= 100 ? 32 : 4);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function longSessionAndScale(turns: number, bulkTurns: number): void {
  const dir = tempData();
  const file = join(dir, 'history.sqlite');
  const db = openWriteDatabase(file);
  const writer = new HistoryWriter(db, { maxRows: 1_000_000, maxAgeDays: 0 });
  const legacy = new LegacyHistory(join(dir, 'legacy.sqlite'));
  const marks = [10, 100, 500].filter((m) => m <= turns);
  const cpu: Record<number, number[]> = {};
  const legacyCpu: Record<number, number[]> = {};
  const bytesCpu: Record<number, number[]> = {};
  const bytesDb = openWriteDatabase(join(dir, 'bytes.sqlite'));
  const bytesWriter = new HistoryWriter(bytesDb, { maxRows: 1_000_000, maxAgeDays: 0 });
  const messages = [...base.messages];
  const make = (t: number): QueuedRecord => record(`long-${t}`, 1_600_000_000_000 + t, 'long', growingBody(messages, 0, t), turnAnswer(0, t));
  // The same turn with its forwarded body handed over as bytes, as before the splice was.
  const asBytes = (r: QueuedRecord): QueuedRecord => ({ ...r, forwardedBody: forwardedBytes(r) });
  const nearOf = (t: number): number | undefined => marks.find((m) => Math.abs(m - t) <= around(m));
  // The last two turns' sent bodies, for timing their comparison.
  let before: Buffer = Buffer.alloc(0);
  let last: Buffer = Buffer.alloc(0);
  for (let t = 1; t <= turns; ) {
    const near = nearOf(t);
    if (near === undefined) {
      const r = make(t++);
      writer.insertBatch([r]);
      bytesWriter.insertBatch([asBytes(r)]);
      continue;
    }
    // A mark's turns are all made before any is written: making a multi-megabyte body (and
    // collecting the last one) is this bench's work, which the proxy's writer thread never
    // shares its core and caches with. Schema 1's writes come after, for the same reason.
    const window: QueuedRecord[] = [];
    while (t <= turns && nearOf(t) === near) window.push(make(t++));
    for (const [i, r] of window.entries()) {
      const b = asBytes(r);
      // The two new writers take turns at going first: the second finds the turn's bytes in the CPU's caches.
      const pair = [
        () => (cpu[near] ??= []).push(timeWrite(() => writer.insertBatch([r]))),
        () => (bytesCpu[near] ??= []).push(timeWrite(() => bytesWriter.insertBatch([b]))),
      ];
      if (i % 2 === 1) pair.reverse();
      for (const write of pair) write();
    }
    for (const r of window) (legacyCpu[near] ??= []).push(timeWrite(() => legacy.insertBatch([r])));
    [before, last] = [window.at(-2)?.originalBody as Buffer, window.at(-1)!.originalBody as Buffer];
  }
  legacy.close();
  bytesDb.close();
  console.log(`long session: writer time per turn (ms, median of the turns around each mark), body size grows ~${mb(Buffer.byteLength(growingBody([...base.messages], 0, 0)))} + ~6 KB per turn`);
  for (const m of marks) {
    console.log(
      `  turn ${m} (${cpu[m]!.length} turns): new ${median(cpu[m]!).toFixed(2)} ms, mean with the index's batches ${mean(cpu[m]!).toFixed(2)} ms (forwarded body as bytes: ${median(bytesCpu[m]!).toFixed(2)} ms), schema 1 ${median(legacyCpu[m]!).toFixed(2)} ms (target <= 0.3 ms at 500)`,
    );
  }
  const compare = median(Array.from({ length: 9 }, () => timeWrite(() => commonPrefix(before, last))));
  console.log(`  of that, comparing the last turn's ${mb(last.length)} body with the turn before it (what proves the bytes they share): ${compare.toFixed(2)} ms`);
  console.log(`  for reference, one transaction storing a bare row and one ${(FLOOR_PART_BYTES / 1024).toFixed(0)} KB part, compressed and indexed: ${storageFloor().toFixed(2)} ms`);

  // Many short sessions around it: the fixture's turns with a session id each.
  const perSession = fixture.length;
  let added = turns;
  for (let s = 0; added < bulkTurns; s++) {
    const batch = fixture.map((req, i) => record(`b${s}-${i}`, 1_650_000_000_000 + s * 100 + i, `bulk-${s}`, req.body, answerFor(fixture[i + 1])));
    writer.insertBatch(batch);
    added += perSession;
  }
  db.close();
  const read = openReadDatabase(file);
  const sessions = new SessionReader(read);
  const time = (f: () => unknown): number => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = process.hrtime.bigint();
      f();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return median(times);
  };
  const page = time(() => sessions.list({}));
  const long = time(() => sessions.get('h:long'));
  console.log(`scale: ${added} stored turns, file ${mb(statSync(file).size)}`);
  console.log(`  listSessions first page: ${page.toFixed(2)} ms (target <= 10 ms); getSession of the ${turns}-turn session: ${long.toFixed(2)} ms (target <= 50 ms)`);
  read.close();
  rmSync(dir, { recursive: true, force: true });
}

await replay();
workload(quick ? 4 : 8, quick ? 25 : 50);
longSessionAndScale(quick ? 100 : 500, quick ? 10_000 : 100_000);
