/**
 * A stored body as the writer keeps it for the next turn (body-cache.ts), and how one is
 * completed: its digest, fed from where the kept segments end, and the digest states the
 * next turn will want.
 */
import type { Hash } from 'node:crypto';
import type { Continuation } from './body-diff.js';
import { digestInput, finishDigest, type DigestEntry } from './body-digest.js';
import type { SplitBody } from './body-split.js';

/** Message boundaries whose digest state a stored body keeps for the next turn. */
const STATE_MARKS = 3;

export interface PartRef {
  id: number;
  hash: Buffer;
}

export interface BodyShape {
  /** The row that stored this body. */
  seq: number;
  bytes: Buffer;
  split: SplitBody;
  /** Per segment: the part it is, or null for glue. */
  refs: Array<PartRef | null>;
  /** Per segment: its size as the history reports it (rows.ts `textSize`), and their sum. */
  sizes: number[];
  size: number;
  manifest: Buffer;
  /** Where each segment's entry begins in `manifest`, with its length last. */
  offsets: number[];
  /** The glue joined, as the exchange's full-text row has it. */
  glue: Buffer;
  /** The body's check (body-digest.ts). */
  sha: Buffer;
  /** Digest states after segments [0, j), for a few j at the last message boundaries. */
  states: Map<number, Hash>;
  /** Segment indices of the first system and tools parts. */
  system: number | undefined;
  tools: number | undefined;
}

/**
 * Completes a shape: its system and tools parts, and the digest, hashed from segment
 * `from` on with `h` (which has seen the segments before it). The hash state at the last
 * message boundaries is kept, where the next turn's kept segments will most likely end.
 */
export function completeShape(shape: Omit<BodyShape, 'sha' | 'system' | 'tools'>, h: Hash, from: number, prev?: BodyShape, c?: Continuation): BodyShape {
  const { split, refs } = shape;
  const n = split.segments.length;
  const marks = split.messages.slice(-STATE_MARKS).map((i) => i + 1).filter((j) => j > from && j < n);
  let at = from;
  const feed = (to: number): void => {
    const entries: DigestEntry[] = [];
    for (let i = at; i < to; i++) {
      const s = split.segments[i]!;
      entries.push(s.kind === 'glue' ? { glue: shape.bytes.subarray(s.start, s.end) } : { hash: refs[i]!.hash });
    }
    h.update(digestInput(entries));
    at = to;
  };
  for (const j of marks) {
    feed(j);
    shape.states.set(j, h.copy());
  }
  feed(n);
  while (shape.states.size > STATE_MARKS) shape.states.delete(Math.min(...shape.states.keys()));
  const sha = finishDigest(h);
  // Outside the messages array, so among the kept segments, whose tail moved by `moved`; a
  // body with two `messages` members may have them between the two, in what was rescanned.
  const inMiddle = (i: number | undefined): boolean => c !== undefined && i !== undefined && i >= c.keep && i < c.after;
  if (prev && c && !inMiddle(prev.system) && !inMiddle(prev.tools)) {
    const moved = c.keep + c.middle.length - c.after;
    const place = (i: number | undefined): number | undefined => (i === undefined || i < c.keep ? i : i + moved);
    return { ...shape, sha, system: place(prev.system), tools: place(prev.tools) };
  }
  let system: number | undefined;
  let tools: number | undefined;
  for (let i = 0; i < n; i++) {
    const s = split.segments[i]!;
    if (s.kind !== 'part' || s.part === 'message') continue;
    if (s.part === 'system') system ??= i;
    if (s.part === 'tools') tools ??= i;
  }
  return { ...shape, sha, system, tools };
}
