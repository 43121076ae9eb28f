/**
 * Walks over JSON data that hold at any depth. JSON.parse takes a million levels of
 * nesting, but JSON.stringify, structuredClone and every recursive function overflow the
 * call stack after a few thousand, and a client decides how deep its body is. These keep
 * their own stack instead. Pure and dependency-free: the dashboard uses them too.
 */

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** What JSON.stringify writes for a leaf: undefined for values it leaves out. */
function leafText(value: unknown): string | undefined {
  return JSON.stringify(value);
}

export interface StringifyOptions {
  /** Spaces per level, as JSON.stringify's third argument. */
  indent?: number;
  /** Levels past this are written compactly, so a deep value's indentation stays small. */
  indentDepth?: number;
}

interface Frame {
  value: Container;
  keys: readonly string[] | null;
  next: number;
  wrote: boolean;
  depth: number;
}

function stringifyIterative(value: unknown, indent: number, indentDepth: number): string | undefined {
  if (!isContainer(value)) return leafText(value);
  const out: string[] = [];
  const open = new Set<object>();
  const stack: Frame[] = [];
  const enter = (v: Container, depth: number): void => {
    if (open.has(v)) throw new TypeError('Converting circular structure to JSON');
    open.add(v);
    out.push(Array.isArray(v) ? '[' : '{');
    stack.push({ value: v, keys: Array.isArray(v) ? null : Object.keys(v), next: 0, wrote: false, depth });
  };
  const breakLine = (depth: number): string => (indent > 0 && depth <= indentDepth ? `\n${' '.repeat(indent * depth)}` : '');
  enter(value, 1);
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const length = f.keys ? f.keys.length : (f.value as unknown[]).length;
    if (f.next >= length) {
      stack.pop();
      open.delete(f.value);
      if (f.wrote && f.depth <= indentDepth) out.push(breakLine(f.depth - 1));
      out.push(f.keys ? '}' : ']');
      continue;
    }
    const i = f.next++;
    const key = f.keys ? f.keys[i]! : null;
    const child = key === null ? (f.value as unknown[])[i] : (f.value as Record<string, unknown>)[key];
    const text = isContainer(child) ? null : leafText(child);
    if (key !== null && text === undefined) continue; // left out, as JSON.stringify does
    out.push(f.wrote ? ',' : '', breakLine(f.depth));
    f.wrote = true;
    if (key !== null) out.push(JSON.stringify(key), indent > 0 && f.depth <= indentDepth ? ': ' : ':');
    if (isContainer(child)) enter(child, f.depth + 1);
    else out.push(text ?? 'null');
  }
  return out.join('');
}

function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError;
}

/**
 * JSON.stringify's exact output for JSON data, at any depth. Shallow values (nearly all)
 * take the native road; only a value too deep for it is written by the loop above.
 */
export function stringifyJson(value: unknown, options: StringifyOptions = {}): string | undefined {
  const indent = options.indent ?? 0;
  const indentDepth = options.indentDepth ?? Infinity;
  if (indentDepth === Infinity || jsonDepth(value, indentDepth) <= indentDepth) {
    try {
      return indent > 0 ? JSON.stringify(value, null, indent) : JSON.stringify(value);
    } catch (err) {
      if (!isStackOverflow(err)) throw err;
    }
  }
  return stringifyIterative(value, indent, indentDepth);
}

/**
 * A copy of JSON data with every string passed through `map` (keys stay). Own keys keep
 * their order, and `__proto__` stays an ordinary key as JSON.parse made it.
 */
export function mapStrings(value: unknown, map: (s: string) => string): unknown {
  const convert = (v: unknown): unknown => (typeof v === 'string' ? map(v) : v);
  if (!isContainer(value)) return convert(value);
  const fresh = (v: Container): Container => (Array.isArray(v) ? new Array<unknown>(v.length) : {});
  const root = fresh(value);
  const stack: Array<[Container, Container]> = [[value, root]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    const keys = Array.isArray(from) ? from.map((_, i) => String(i)) : Object.keys(from);
    for (const key of keys) {
      const child = (from as Record<string, unknown>)[key];
      let copy: unknown;
      if (isContainer(child)) {
        copy = fresh(child);
        stack.push([child, copy as Container]);
      } else {
        copy = convert(child);
      }
      Object.defineProperty(to, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

/** A deep copy of JSON data (what structuredClone does for them, at any depth). */
export function cloneJson<T>(value: T): T {
  return mapStrings(value, (s) => s) as T;
}

/** How deep `value` nests: 0 for a leaf, 1 for a flat array or object. With a `limit`, the
 * walk stops as soon as the depth passes it, so a cycle (endlessly deep) ends the walk too. */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (!isContainer(v)) continue;
    max = Math.max(max, d + 1);
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (isContainer(child)) stack.push([child, d + 1]);
  }
  return max;
}
