import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distArchs, resourcesDir } from './dist.mjs';

describe('distArchs', () => {
  it('builds macOS installers for both CPUs, the others for this machine', () => {
    expect(distArchs('darwin', 'arm64')).toEqual(['x64', 'arm64']);
    expect(distArchs('linux', 'x64')).toEqual(['x64']);
    expect(distArchs('win32', 'arm64')).toEqual(['arm64']);
  });
});

describe('resourcesDir', () => {
  it("follows electron-builder's names for the unpacked apps", () => {
    expect(resourcesDir('/o', 'linux', 'x64')).toBe(join('/o', 'linux-unpacked', 'resources'));
    expect(resourcesDir('/o', 'linux', 'arm64')).toBe(join('/o', 'linux-arm64-unpacked', 'resources'));
    expect(resourcesDir('/o', 'win32', 'x64')).toBe(join('/o', 'win-unpacked', 'resources'));
    expect(resourcesDir('/o', 'darwin', 'x64')).toBe(join('/o', 'mac', 'Addendum.app', 'Contents', 'Resources'));
    expect(resourcesDir('/o', 'darwin', 'arm64')).toBe(join('/o', 'mac-arm64', 'Addendum.app', 'Contents', 'Resources'));
  });
});
