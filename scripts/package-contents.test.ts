import { describe, expect, it } from 'vitest';
import { describeSize, packageProblems, PACKAGED_MAIN, REQUIRED_FILES, unpackedFiles, type PackageListing } from './package-contents.mjs';

const ARCH = 'x64';
const UNPACKED = unpackedFiles(ARCH);

function listing(extra: string[] = [], opts: { packed?: string[]; main?: unknown; drop?: string[] } = {}): PackageListing {
  const files = [...REQUIRED_FILES, ...UNPACKED, 'node_modules/got/dist/source/index.js', ...extra].filter((f) => !opts.drop?.includes(f));
  return {
    files,
    packageJson: { name: 'addendum', main: 'main' in opts ? opts.main : PACKAGED_MAIN },
    isUnpacked: (f) => UNPACKED.includes(f) && !opts.packed?.includes(f),
  };
}

const expected = { arch: ARCH, devDependencies: ['react-dom', '@types/node', 'electron'] };

describe('packageProblems', () => {
  it('accepts a package with the four parts, the unpacked files and runtime modules only', () => {
    expect(packageProblems(listing(), expected)).toEqual([]);
  });

  it('requires the packaged main and every part of the app', () => {
    expect(packageProblems(listing([], { main: 'index.js' }), expected)).toEqual([`package.json names main "index.js", not ${PACKAGED_MAIN}`]);
    expect(packageProblems(listing([], { drop: ['dist/main/preload.cjs'] }), expected)).toEqual(['dist/main/preload.cjs is missing']);
  });

  it('requires the native binary and the worker script outside the archive', () => {
    expect(packageProblems(listing([], { packed: ['dist/proxy/history/writer-worker.js'] }), expected)).toEqual([
      'dist/proxy/history/writer-worker.js is inside app.asar, not unpacked',
    ]);
    expect(packageProblems(listing([], { drop: [UNPACKED[0]!] }), expected)).toEqual([`${UNPACKED[0]} is missing`]);
    // A binary for another CPU is not the one this package needs.
    expect(packageProblems(listing(), { ...expected, arch: 'arm64' })).toContain('build/electron-native/arm64/better_sqlite3.node is missing');
  });

  it('names each development-only file', () => {
    const problems = packageProblems(
      listing([
        'dist/main/index.js.map',
        'dist/main/tray.ts',
        'node_modules/ajv/lib/ajv.ts',
        'node_modules/got/dist/source/index.d.ts',
        'dist/main/tray.test.js',
        'node_modules/json-schema-traverse/spec/index.spec.js',
        'dist/bench/run.js',
        'dist/proxy/history/testing.js',
        'dist/main/testing/fake-safe-storage.js',
      ]),
      expected,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'source map shipped: dist/main/index.js.map',
        'TypeScript file shipped: dist/main/tray.ts',
        'TypeScript file shipped: node_modules/ajv/lib/ajv.ts',
        'TypeScript file shipped: node_modules/got/dist/source/index.d.ts',
        'test shipped: dist/main/tray.test.js',
        'test shipped: node_modules/json-schema-traverse/spec/index.spec.js',
        'not part of the app: dist/bench/run.js',
        'test helper shipped: dist/proxy/history/testing.js',
        'test helper shipped: dist/main/testing/fake-safe-storage.js',
      ]),
    );
  });

  it('names dev dependencies once each, scoped and nested ones too', () => {
    const problems = packageProblems(
      listing(['node_modules/react-dom/index.js', 'node_modules/react-dom/client.js', 'node_modules/koa/node_modules/@types/node/package.json']),
      expected,
    );
    expect(problems).toEqual(['dev dependency shipped: react-dom', 'dev dependency shipped: @types/node']);
  });

  it('rejects a native build other than the Electron one', () => {
    expect(packageProblems(listing(['node_modules/better-sqlite3/build/Release/better_sqlite3.node']), expected)).toEqual([
      'stray native module: node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    ]);
  });
});

describe('describeSize', () => {
  it('reports both parts and the sum in MB', () => {
    expect(describeSize(3 * 1024 * 1024, 1024 * 1024, 42)).toBe('app.asar 3.0 MB + app.asar.unpacked 1.0 MB = 4.0 MB (42 entries)');
  });
});
