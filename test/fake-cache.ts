/**
 * Anthropic's prompt cache as its documentation describes it, for the fake upstream:
 *
 * - The prompt is a sequence of blocks in the order tools, system, messages. A string
 *   `system` or message `content` is one text block, exactly as if sent as an array.
 * - A breakpoint is a block with `cache_control`, or, with a top-level `cache_control`
 *   (automatic caching), the last block of the request. At most 4 per request, automatic
 *   included; more is a 400.
 * - At each breakpoint the prefix up to and including that block is written to the cache,
 *   if it is at least the minimum cacheable length.
 * - A lookup checks each breakpoint and the block boundaries up to 20 blocks before it,
 *   and reads the longest prefix found.
 * - `cache_read_input_tokens` is the prefix read, `cache_creation_input_tokens` what was
 *   written beyond it, `input_tokens` the rest.
 *
 * Tokens are counted as a quarter of a block's JSON length: only equality of counts matters
 * to the tests, never the value. TTLs are not modelled: a test's conversation outlives none.
 */
import { createHash } from 'node:crypto';

export const MAX_BREAKPOINTS = 4;
export const LOOKBACK_BLOCKS = 20;

export interface PromptCacheOptions {
  /** Minimum cacheable prefix, in tokens (1024 for most current models). */
  minTokens?: number;
}

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type CacheVerdict = { ok: true; usage: CacheUsage } | { ok: false; message: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Block {
  text: string;
  breakpoint: boolean;
}

function toBlock(raw: unknown): Block {
  if (!isObject(raw)) return { text: JSON.stringify(raw), breakpoint: false };
  const { cache_control: cc, ...rest } = raw;
  return { text: JSON.stringify(rest), breakpoint: cc !== undefined && cc !== null };
}

function contentBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return [toBlock({ type: 'text', text: content })];
  if (Array.isArray(content)) return content.map(toBlock);
  return [];
}

/** The request's blocks in cache order; each message's role opens its first block. */
export function promptBlocks(body: Json): Block[] {
  const blocks: Block[] = [];
  if (Array.isArray(body.tools)) blocks.push(...body.tools.map(toBlock));
  if (body.system !== undefined) blocks.push(...contentBlocks(body.system));
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      if (!isObject(m)) continue;
      const inner = contentBlocks(m.content);
      if (inner[0]) inner[0] = { ...inner[0], text: `${String(m.role)}:${inner[0].text}` };
      blocks.push(...inner);
    }
  }
  return blocks;
}

export function tokensOf(block: Block): number {
  return Math.ceil(block.text.length / 4);
}

export interface PromptCache {
  judge(body: Json): CacheVerdict;
  reset(): void;
}

export function createPromptCache(options: PromptCacheOptions = {}): PromptCache {
  const minTokens = options.minTokens ?? 1024;
  const stored = new Set<string>();

  function judge(body: Json): CacheVerdict {
    const blocks = promptBlocks(body);
    const breakpoints = new Set<number>();
    blocks.forEach((b, i) => b.breakpoint && breakpoints.add(i));
    const explicit = breakpoints.size;
    const automatic = isObject(body.cache_control) && blocks.length > 0;
    if (automatic) breakpoints.add(blocks.length - 1);
    const count = explicit + (automatic ? 1 : 0);
    if (count > MAX_BREAKPOINTS) {
      return { ok: false, message: `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${count}.` };
    }

    // Prefix hashes and token sums at every block boundary.
    const hashes: string[] = [];
    const sums: number[] = [];
    let hash = '';
    let sum = 0;
    for (const b of blocks) {
      hash = createHash('sha256').update(hash).update('\u0000').update(b.text).digest('hex');
      sum += tokensOf(b);
      hashes.push(hash);
      sums.push(sum);
    }

    let read = -1;
    for (const bp of breakpoints) {
      for (let i = bp; i >= Math.max(0, bp - LOOKBACK_BLOCKS); i--) {
        if (stored.has(hashes[i]!)) {
          read = Math.max(read, i);
          break;
        }
      }
    }
    const readTokens = read < 0 ? 0 : sums[read]!;
    let written = readTokens;
    for (const bp of breakpoints) {
      if (sums[bp]! < minTokens) continue;
      stored.add(hashes[bp]!);
      written = Math.max(written, sums[bp]!);
    }
    const total = sum;
    return {
      ok: true,
      usage: {
        input_tokens: total - written,
        cache_creation_input_tokens: written - readTokens,
        cache_read_input_tokens: readTokens,
      },
    };
  }

  return { judge, reset: () => stored.clear() };
}
