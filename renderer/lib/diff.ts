import { diffChars, diffLines, type Change } from 'diff';
import { lastUserMessageIndex } from '../../proxy/modifier/modifier.js';
import { isRecord } from '../../proxy/lib/json.js';
import { stringifyJson } from '../../proxy/lib/walk.js';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export type ModifierDiff =
  | { kind: 'diff'; messageIndex: number; parts: DiffPart[]; added: string }
  | { kind: 'unchanged' }
  | { kind: 'unavailable'; reason: string };

type Json = Record<string, unknown>;
const isObject = isRecord;

/** Levels indented when pretty-printing; deeper ones are written on one line, so a body
 * nested thousands of levels deep shows as a few lines instead of megabytes of spaces. */
const PRETTY_DEPTH = 64;

/** JSON.stringify(value, null, 2) for any depth of value. */
export function pretty(value: unknown): string {
  return stringifyJson(value, { indent: 2, indentDepth: PRETTY_DEPTH }) ?? '';
}

export function parseJson(text: string | null | undefined): unknown {
  if (text == null || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A message's content as a reader sees it: text blocks verbatim, other blocks as short
 * markers. Works for Anthropic and OpenAI shapes alike, so a translated OpenAI request
 * still shows the modifier's change against what the client sent.
 */
export function contentAsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : pretty(content);
  return content
    .map((block) => {
      if (!isObject(block)) return stringifyJson(block) ?? '';
      if (typeof block.text === 'string') return block.text;
      const type = typeof block.type === 'string' ? block.type : 'block';
      return `[${type}]`;
    })
    .join('\n\n');
}

function lastUserContent(body: unknown): { index: number; text: string } | null {
  if (!isObject(body) || !Array.isArray(body.messages)) return null;
  const index = lastUserMessageIndex(body.messages);
  if (index < 0) return null;
  const message = body.messages[index];
  return { index, text: contentAsText(isObject(message) ? message.content : undefined) };
}

function toParts(changes: Change[]): DiffPart[] {
  return changes
    .filter((c) => c.value !== '')
    .map((c) => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
}

function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function commonSuffix(a: string, b: string, limit: number): number {
  const max = Math.min(a.length, b.length) - limit;
  let i = 0;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/**
 * Bounded-cost text diff. The modifier only ever appends, so trimming the common prefix
 * and suffix first makes the usual case linear; what remains is char-diffed when small,
 * else shown as one replacement rather than freezing the page on a huge edit script.
 */
export function textDiff(before: string, after: string): DiffPart[] {
  if (before === after) return before === '' ? [] : [{ kind: 'same', text: before }];
  const pre = commonPrefix(before, after);
  const suf = commonSuffix(before, after, pre);
  const a = before.slice(pre, before.length - suf);
  const b = after.slice(pre, after.length - suf);
  let middle: DiffPart[] | null = null;
  if (a === '' || b === '') {
    middle = [];
  } else if (a.length + b.length <= 10_000) {
    const chars = diffChars(a, b, { maxEditLength: 500 });
    if (chars) middle = toParts(chars);
  }
  middle ??= [];
  if (middle.length === 0) {
    if (a !== '') middle.push({ kind: 'removed', text: a });
    if (b !== '') middle.push({ kind: 'added', text: b });
  }
  const parts: DiffPart[] = [];
  if (pre > 0) parts.push({ kind: 'same', text: before.slice(0, pre) });
  parts.push(...middle);
  if (suf > 0) parts.push({ kind: 'same', text: before.slice(before.length - suf) });
  return parts;
}

/** What the modifier changed in the last user message between the client's body and the
 * forwarded one. */
export function modifierDiff(originalBody: string | null, forwardedBody: string | null): ModifierDiff {
  const original = parseJson(originalBody);
  const forwarded = parseJson(forwardedBody);
  if (original === undefined || forwarded === undefined) {
    return { kind: 'unavailable', reason: 'The request bodies are not JSON.' };
  }
  const before = lastUserContent(original);
  const after = lastUserContent(forwarded);
  if (!before || !after) return { kind: 'unavailable', reason: 'The request has no user message.' };
  if (before.text === after.text) return { kind: 'unchanged' };
  const parts = textDiff(before.text, after.text);
  const added = parts
    .filter((p) => p.kind === 'added')
    .map((p) => p.text)
    .join('');
  return { kind: 'diff', messageIndex: after.index, parts, added };
}

export function prettyJson(text: string | null | undefined): string {
  const value = parseJson(text);
  return value === undefined ? (text ?? '') : pretty(value);
}

/** Line diff of the two bodies pretty-printed, for readers who want the whole picture. */
export function jsonDiff(beforeText: string | null, afterText: string | null): DiffPart[] {
  const a = prettyJson(beforeText);
  const b = prettyJson(afterText);
  const lines = diffLines(a, b, { maxEditLength: 1_000 });
  if (lines) return toParts(lines);
  return [
    { kind: 'removed', text: a },
    { kind: 'added', text: b },
  ];
}
