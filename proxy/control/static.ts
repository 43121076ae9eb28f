/**
 * Serves the built dashboard (dist/renderer) with a single-page-app fallback. Only files
 * inside the root are ever read: the request path is decoded, normalized and checked
 * against the resolved root before touching the disk.
 */
import { createReadStream, existsSync, statSync, type ReadStream } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  kind: 'file';
  path: string;
  size: number;
  contentType: string;
  /** index.html must never be cached: it names the current build's hashed assets. */
  cacheControl: string;
}

export type StaticResolution = StaticFile | { kind: 'not-found' } | { kind: 'no-build' };

export function hasBuild(staticDir: string | null): staticDir is string {
  return staticDir !== null && existsSync(join(staticDir, 'index.html'));
}

/** Maps a URL path to a file under `root`, or says why not. Pure apart from stat calls. */
export function resolveStatic(staticDir: string | null, urlPath: string): StaticResolution {
  if (!hasBuild(staticDir)) return { kind: 'no-build' };
  const root = resolve(staticDir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'not-found' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'not-found' };
  const target = resolve(root, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  if (target !== root && !target.startsWith(root + sep)) return { kind: 'not-found' };

  const file = fileAt(target);
  if (file) return file;
  // Client-side routes have no extension; a missing asset must stay a 404, not HTML.
  if (extname(decoded) === '' || extname(decoded) === '.html') return fileAt(join(root, 'index.html')) ?? { kind: 'no-build' };
  return { kind: 'not-found' };
}

function fileAt(path: string): StaticFile | null {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return null;
  }
  if (stat.isDirectory()) return fileAt(join(path, 'index.html'));
  if (!stat.isFile()) return null;
  const ext = extname(path).toLowerCase();
  return {
    kind: 'file',
    path,
    size: stat.size,
    contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    cacheControl: ext === '.html' ? 'no-store' : 'no-cache',
  };
}

export function openStatic(file: StaticFile): ReadStream {
  return createReadStream(file.path);
}

/** Shown at `/` when the renderer has not been built; static text, no script. */
export const NO_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Addendum</title></head>
<body>
<h1>Addendum</h1>
<p>The control API is running, but the dashboard has not been built.</p>
<p>Run <code>npm run build</code> in the Addendum folder, then reload this page.</p>
</body></html>
`;
