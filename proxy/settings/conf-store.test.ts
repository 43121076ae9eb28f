import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfStore } from './conf-store.js';
import { defaultSettings, SETTINGS_VERSION } from './settings.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'addendum-settings-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const posix = process.platform !== 'win32';

describe('conf settings store', () => {
  it('loads defaults when there is no file, and creates none until saved', () => {
    const store = createConfStore(dir);
    expect(store.location).toBe(join(dir, 'settings.json'));
    expect(store.load()).toEqual(defaultSettings());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('saves to settings.json with mode 0600 and reads it back in a new store', () => {
    const s = { ...defaultSettings(), apiKey: 'sk-ant-test-0123456789', port: 9123, modifierText: 'Be brief.' };
    createConfStore(dir).save(s);
    const file = join(dir, 'settings.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: SETTINGS_VERSION, port: 9123 });
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(createConfStore(dir).load()).toEqual(s);
  });

  it('tightens the mode of a file that already existed with a looser one', () => {
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ port: 9000 }));
    chmodSync(file, 0o644);
    const store = createConfStore(dir);
    expect(store.load().port).toBe(9000);
    store.save({ ...store.load(), modifierEnabled: false });
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('creates a missing data dir', () => {
    const nested = join(dir, 'a', 'b');
    createConfStore(nested).save(defaultSettings());
    expect(readdirSync(nested)).toEqual(['settings.json']);
  });

  it('sets a damaged file aside and starts from defaults', () => {
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    const store = createConfStore(dir);
    expect(store.setAside).toMatch(/settings\.json\.damaged-\d+$/);
    expect(readFileSync(store.setAside!, 'utf8')).toBe('{ not json');
    expect(store.load()).toEqual(defaultSettings());
  });

  it('repairs field by field a file edited by hand', () => {
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ port: 'eighty', modifierText: 'kept' }));
    expect(createConfStore(dir).load()).toEqual({ ...defaultSettings(), modifierText: 'kept' });
  });
});
