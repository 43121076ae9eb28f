/** Test helper: seeded random Messages request bodies, and a writer that spells the same
 * JSON value in the many ways JSON.stringify does not. Not used by the app. */

import { rng } from '../../bench/bodies.js';

export type Rand = () => number;

/** Seeded, so a failing case can be run again. */
export const seeded = rng;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number): boolean => r() < p;

const PIECES = ['a', 'Hello', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '日本語', '🙂', '\u2028', '\u2029', '\ud800', '\udc00', '{[,:]}', 'user', '\\u00e9', '</script>'];

export function randomString(r: Rand, max = 6): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) s += pick(r, PIECES);
  return s;
}

const NUMBERS = [0, -0, 1, -2.5, 1e21, 1e-7, 0.1, 123456789012, 3.14159];

function scalar(r: Rand): unknown {
  const k = r();
  if (k < 0.4) return randomString(r);
  if (k < 0.7) return pick(r, NUMBERS);
  return pick(r, [true, false, null]);
}

function randomValue(r: Rand, depth: number): unknown {
  if (depth <= 0 || chance(r, 0.4)) return scalar(r);
  const n = Math.floor(r() * 4);
  if (chance(r, 0.5)) return Array.from({ length: n }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[pick(r, ['type', 'x', '1', '0', 'cache_control', 'é', 'properties', randomString(r, 3)])] = randomValue(r, depth - 1);
  return o;
}

/** An object with `fields` in a random order, plus some unknown ones. */
function shuffled(r: Rand, fields: Array<[string, unknown]>): Record<string, unknown> {
  const all = [...fields];
  if (chance(r, 0.3)) all.push([pick(r, ['extra', '2', 'name']), randomValue(r, 2)]);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const o: Record<string, unknown> = {};
  for (const [k, v] of all) o[k] = v;
  return o;
}

const BREAKPOINTS = [{ type: 'ephemeral' }, { type: 'ephemeral', ttl: '1h' }, {}];

function block(r: Rand, depth: number): unknown {
  const k = r();
  const fields: Array<[string, unknown]> = [];
  if (k < 0.5) fields.push(['type', 'text'], ['text', randomString(r)]);
  else if (k < 0.75) {
    const inner = chance(r, 0.5) ? randomString(r) : depth > 0 ? Array.from({ length: Math.floor(r() * 3) }, () => block(r, depth - 1)) : [];
    fields.push(['type', 'tool_result'], ['tool_use_id', 'toolu_01'], ['content', inner]);
  } else if (k < 0.9) fields.push(['type', 'image'], ['source', { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }]);
  else return pick(r, ['a bare string', 7, null, [], {}]);
  if (chance(r, 0.3)) fields.push(['cache_control', pick(r, [...BREAKPOINTS, null])]);
  return shuffled(r, fields);
}

function content(r: Rand): unknown {
  const k = r();
  if (k < 0.45) return randomString(r);
  if (k < 0.95) return Array.from({ length: Math.floor(r() * 4) }, () => block(r, 2));
  return pick(r, [null, 42, { type: 'text', text: 'x' }]);
}

function message(r: Rand, role: string): unknown {
  if (chance(r, 0.03)) return pick(r, ['not a message', null, 3]);
  const fields: Array<[string, unknown]> = [['role', role]];
  if (!chance(r, 0.03)) fields.push(['content', content(r)]);
  return shuffled(r, fields);
}

/** A Messages request body as a JS value: what JSON.parse gives, keys in body order. */
export function randomMessagesBody(r: Rand): Record<string, unknown> {
  const roles = Array.from({ length: 1 + Math.floor(r() * 5) }, () => pick(r, ['user', 'user', 'assistant', 'system', 'User']));
  const fields: Array<[string, unknown]> = [
    ['model', chance(r, 0.9) ? pick(r, ['claude-sonnet-4-5', 'modèle-✓', randomString(r, 3)]) : 7],
    ['messages', chance(r, 0.97) ? roles.map((role) => message(r, role)) : 'nope'],
    ['max_tokens', 1024],
  ];
  if (chance(r, 0.7)) fields.push(['stream', pick(r, [true, false, 'true', 1])]);
  if (chance(r, 0.4)) fields.push(['cache_control', pick(r, [...BREAKPOINTS, null, 'ephemeral'])]);
  if (chance(r, 0.5)) fields.push(['system', chance(r, 0.5) ? randomString(r) : [block(r, 1), block(r, 1)]]);
  if (chance(r, 0.5)) fields.push(['tools', [{ name: 'calc', description: randomString(r, 10), input_schema: randomValue(r, 4) }]]);
  return shuffled(r, fields);
}

const MODIFIERS = ['', ' ', '\n\nAnswer briefly.', 'quote " and \\ backslash', 'ctl \u0000\u0001\u001f\u007f', 'é 🙂 日本語', '\u2028\u2029', '</script>', '\\u0041 literal'];

export function randomModifier(r: Rand): string {
  return chance(r, 0.7) ? pick(r, MODIFIERS) : randomString(r, 4).replace(/[\ud800-\udfff]/g, 'x');
}

const WS = ['', '', ' ', '\n', '\t', '\r\n  '];

/** The same JSON value, spelled otherwise: whitespace, needless escapes, other number
 * forms, keys escaped, and (outside top-level `cache_control`) a repeated key before the
 * one that counts. JSON.parse gives back exactly `value`. */
export function looseStringify(r: Rand, value: unknown, top = true): string {
  const ws = (): string => pick(r, WS);
  if (typeof value === 'string') return looseString(r, value);
  if (typeof value === 'number') {
    const plain = JSON.stringify(value);
    if (Number.isInteger(value) && Math.abs(value) < 1e15 && chance(r, 0.3)) return pick(r, [`${plain}.0`, `${plain}e0`, `${plain}E+0`]);
    return plain;
  }
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => ws() + looseStringify(r, v, false) + ws()).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (chance(r, 0.05) && !(top && k === 'cache_control')) members.push(`${looseString(r, k)}:${JSON.stringify(randomString(r, 2))}`);
      members.push(`${ws()}${looseString(r, k)}${ws()}:${ws()}${looseStringify(r, v, false)}${ws()}`);
    }
    return `{${ws()}${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

function looseString(r: Rand, s: string): string {
  let out = '"';
  for (const ch of JSON.stringify(s).slice(1, -1).match(/\\u[0-9a-f]{4}|\\.|[^]/gu) ?? []) {
    if (ch.length === 1 && chance(r, 0.1)) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else if (ch === '/' && chance(r, 0.5)) out += '\\/';
    else if (ch.startsWith('\\u') && chance(r, 0.5)) out += ch.toUpperCase().replace('\\U', '\\u');
    else out += ch;
  }
  return `${out}"`;
}
