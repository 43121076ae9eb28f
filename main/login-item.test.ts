import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { applyLaunchAtLogin, autostartDir, autostartEntry, launchCommand, type LoginItemDeps } from './login-item.js';

describe('launchCommand', () => {
  it('starts a packaged app hidden, from the AppImage file when there is one', () => {
    expect(launchCommand({ isPackaged: true, execPath: '/opt/Addendum/addendum', appRoot: '/x' })).toEqual({
      path: '/opt/Addendum/addendum',
      args: ['--hidden'],
    });
    expect(launchCommand({ isPackaged: true, execPath: '/tmp/.mount_Add/addendum', appRoot: '/x', appImage: '/home/me/Addendum.AppImage' })).toEqual({
      path: '/home/me/Addendum.AppImage',
      args: ['--hidden'],
    });
  });

  it("gives Electron the app's folder in development", () => {
    expect(launchCommand({ isPackaged: false, execPath: '/repo/node_modules/electron/dist/electron', appRoot: '/repo' })).toEqual({
      path: '/repo/node_modules/electron/dist/electron',
      args: ['/repo', '--hidden'],
    });
  });
});

describe('autostartEntry', () => {
  it('is a desktop entry that runs the command', () => {
    const entry = autostartEntry({ path: '/opt/Addendum/addendum', args: ['--hidden'] });
    expect(entry.split('\n')).toEqual(expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Name=Addendum', 'Exec=/opt/Addendum/addendum --hidden']));
  });

  it('quotes arguments with spaces or reserved characters, and doubles %', () => {
    const entry = autostartEntry({ path: '/home/me/My Apps/Addendum 100%.AppImage', args: ['--hidden', 'say "$hi"'] });
    expect(entry).toContain('Exec="/home/me/My Apps/Addendum 100%%.AppImage" --hidden "say \\"\\$hi\\""');
  });
});

describe('autostartDir', () => {
  it('follows XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/me')).toBe(join('/cfg', 'autostart'));
    expect(autostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/me')).toBe(join('/home/me', '.config', 'autostart'));
    expect(autostartDir({}, '/home/me')).toBe(join('/home/me', '.config', 'autostart'));
  });
});

describe('applyLaunchAtLogin', () => {
  function deps(platform: NodeJS.Platform) {
    return {
      platform,
      command: { path: '/opt/Addendum/addendum', args: ['--hidden'] },
      setLoginItemSettings: vi.fn<LoginItemDeps['setLoginItemSettings']>(),
      autostartFile: '/home/me/.config/autostart/addendum.desktop',
      writeFile: vi.fn<LoginItemDeps['writeFile']>(),
      removeFile: vi.fn<LoginItemDeps['removeFile']>(),
    } satisfies LoginItemDeps;
  }

  it("uses the system's login items on macOS and Windows", () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const d = deps(platform);
      applyLaunchAtLogin(true, d);
      applyLaunchAtLogin(false, d);
      expect(d.setLoginItemSettings.mock.calls).toEqual([
        [{ openAtLogin: true, path: '/opt/Addendum/addendum', args: ['--hidden'] }],
        [{ openAtLogin: false, path: '/opt/Addendum/addendum', args: ['--hidden'] }],
      ]);
      expect(d.writeFile).not.toHaveBeenCalled();
    }
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const d = deps('linux');
    applyLaunchAtLogin(true, d);
    expect(d.writeFile).toHaveBeenCalledWith(d.autostartFile, autostartEntry(d.command));
    applyLaunchAtLogin(false, d);
    expect(d.removeFile).toHaveBeenCalledWith(d.autostartFile);
    expect(d.setLoginItemSettings).not.toHaveBeenCalled();
  });
});
