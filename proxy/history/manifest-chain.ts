/**
 * Manifests stored as deltas. A turn's manifest is its parent's with a few entries
 * changed near the end, but it lists every part of the conversation: stored whole, a long
 * session's manifests grow with the square of its length (turn 500 of the bench's session
 * had two 4.5 KB manifests per row, more than its new parts). A row instead stores its sent
 * body's manifest as the bytes that differ from its parts base's (the row it continues), and
 * its forwarded body's as the bytes that differ from its own sent body's.
 *
 * A delta is: LEB128 `head` (bytes kept from the base's start), LEB128 `tail` (bytes kept
 * from its end), then the bytes between. `exchanges.manifest_delta` says which manifests
 * are deltas (DELTA_ORIGINAL, DELTA_FORWARDED); every DELTA_DEPTH_MAX-th turn of a chain is
 * stored whole, so reading one body follows a bounded number of rows.
 */
import { commonPrefix, commonSuffix } from './body-diff.js';
import { damagedManifest, pushVarint, readVarint } from './manifest.js';
import type { Db } from './schema.js';

export const DELTA_ORIGINAL = 1;
export const DELTA_FORWARDED = 2;
/** Deltas in a row before a manifest is stored whole again. */
export const DELTA_DEPTH_MAX = 16;
/** A base this much larger than a manifest is not worth following. */
const WORTH_FRACTION = 0.5;

/** `full` as a delta on `base`, or null when storing it whole costs little more. Pure. */
export function encodeDelta(base: Buffer, full: Buffer): Buffer | null {
  const head = commonPrefix(base, full);
  const tail = commonSuffix(base, full, Math.min(base.length, full.length) - head);
  const middle = full.subarray(head, full.length - tail);
  const header: number[] = [];
  pushVarint(header, head);
  pushVarint(header, tail);
  if (header.length + middle.length > full.length * WORTH_FRACTION) return null;
  return Buffer.concat([Buffer.from(header), middle]);
}

/** The manifest `delta` makes of `base`. Pure. */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Buffer {
  const [head, at] = readVarint(delta, 0);
  const [tail, from] = readVarint(delta, at);
  if (head + tail > base.length) throw damagedManifest();
  return Buffer.concat([base.subarray(0, head), delta.subarray(from), base.subarray(base.length - tail)]);
}

/** A row's manifest columns, as stored. */
export interface ChainRow {
  seq: number;
  parts_base: number | null;
  manifest_delta: number | null;
  original_manifest: Buffer | null;
  forwarded_manifest: Buffer | null;
}

/** What following a sent manifest's chain reads of each row on it. */
type ChainLink = Pick<ChainRow, 'parts_base' | 'manifest_delta' | 'original_manifest'>;

/** Reads manifests whole, following deltas to the rows they are based on. */
export class ManifestChain {
  readonly #row;

  constructor(db: Db) {
    this.#row = db.prepare<[number], ChainLink>(
      'SELECT parts_base, manifest_delta, original_manifest FROM exchanges WHERE seq = ?',
    );
  }

  /** The sent body's manifest whole; `known` holds whole manifests of rows no longer in the table (being removed). */
  original(row: ChainRow, known?: ReadonlyMap<number, Buffer>): Buffer | null {
    const deltas: Buffer[] = [];
    const applied = (whole: Buffer): Buffer => deltas.reduceRight((m, d) => applyDelta(m, d), whole);
    let at: ChainLink = row;
    while (at.original_manifest !== null && (at.manifest_delta ?? 0) & DELTA_ORIGINAL) {
      const base = at.parts_base;
      if (base === null) throw damagedManifest();
      deltas.push(at.original_manifest);
      // Chains are cut at DELTA_DEPTH_MAX when written; anything much longer is a loop.
      if (deltas.length > DELTA_DEPTH_MAX * 4) throw damagedManifest();
      const whole = known?.get(base);
      if (whole) return applied(whole);
      const next = this.#row.get(base);
      if (next === undefined) throw damagedManifest();
      at = next;
    }
    if (at.original_manifest === null) {
      if (deltas.length > 0) throw damagedManifest();
      return null;
    }
    return applied(at.original_manifest);
  }

  /** The forwarded body's manifest whole, given the row's whole sent one. */
  forwarded(row: ChainRow, original: Buffer | null): Buffer | null {
    if (row.forwarded_manifest === null || ((row.manifest_delta ?? 0) & DELTA_FORWARDED) === 0) return row.forwarded_manifest;
    if (original === null) throw damagedManifest();
    return applyDelta(original, row.forwarded_manifest);
  }

  /** The row with both manifests whole. */
  whole<R extends ChainRow>(row: R): R {
    if (!row.manifest_delta) return row;
    const original = this.original(row);
    return { ...row, original_manifest: original, forwarded_manifest: this.forwarded(row, original), manifest_delta: 0 };
  }
}

/** Rows whose chain depth the planner remembers; an older base counts as deep. */
const DEPTHS_KEPT = 1024;

/** The writer's side: how deep each recent row's sent manifest is in its chain. */
export class DeltaPlanner {
  readonly #depths = new Map<number, number>();

  /** The manifest columns of row `seq`, from its whole manifests and its parts base's whole sent one. */
  plan(
    seq: number,
    original: { manifest: Buffer; base: number | null; baseManifest: Buffer | null } | null,
    forwarded: Buffer | null,
  ): { original_manifest: Buffer | null; forwarded_manifest: Buffer | null; manifest_delta: number } {
    let flags = 0;
    let originalColumn = original?.manifest ?? null;
    let depth = 0;
    if (original && original.base !== null && original.baseManifest) {
      // A base not seen lately (another writer's, or from before a restart) is treated as deep.
      const baseDepth = this.#depths.get(original.base) ?? DELTA_DEPTH_MAX;
      const delta = baseDepth + 1 < DELTA_DEPTH_MAX ? encodeDelta(original.baseManifest, original.manifest) : null;
      if (delta) {
        originalColumn = delta;
        flags |= DELTA_ORIGINAL;
        depth = baseDepth + 1;
      }
    }
    let forwardedColumn = forwarded;
    const forwardedDelta = forwarded && original ? encodeDelta(original.manifest, forwarded) : null;
    if (forwardedDelta) {
      forwardedColumn = forwardedDelta;
      flags |= DELTA_FORWARDED;
    }
    if (original) {
      if (this.#depths.size >= DEPTHS_KEPT) this.#depths.delete(this.#depths.keys().next().value!);
      this.#depths.set(seq, depth);
    }
    return { original_manifest: originalColumn, forwarded_manifest: forwardedColumn, manifest_delta: flags };
  }

  /** After a failed transaction: its rows do not exist, and their seqs will be given out again. */
  forget(): void {
    this.#depths.clear();
  }
}
