import { join } from 'node:path';
import { HIDDEN_FLAG } from './lifecycle.js';

/**
 * Launch at login. macOS and Windows keep login items themselves (`app.setLoginItemSettings`);
 * Electron does not support that on Linux, where desktops start what the XDG autostart
 * folder lists, so the app writes or removes its entry there. Either way the app starts
 * hidden, in the tray.
 */

export interface LaunchCommand {
  path: string;
  args: string[];
}

/**
 * What to start at login. A packaged app is its own executable (for an AppImage, the image
 * file, since the executable runs from a temporary mount); in development Electron needs the
 * app's folder too.
 */
export function launchCommand(opts: { isPackaged: boolean; execPath: string; appRoot: string; appImage?: string | undefined }): LaunchCommand {
  if (opts.isPackaged) return { path: opts.appImage || opts.execPath, args: [HIDDEN_FLAG] };
  return { path: opts.execPath, args: [opts.appRoot, HIDDEN_FLAG] };
}

/** One argument of a desktop entry's Exec key, quoted as the Desktop Entry spec requires. */
function execArg(arg: string): string {
  if (!/[\s"'\\`$;&|<>()*?#~=%]/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`.replaceAll('%', '%%');
}

/** The XDG autostart entry for the command. */
export function autostartEntry(command: LaunchCommand): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Addendum',
    'Comment=Local proxy for the Anthropic API',
    `Exec=${[command.path, ...command.args].map(execArg).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** `$XDG_CONFIG_HOME/autostart`, or `~/.config/autostart`. */
export function autostartDir(env: NodeJS.ProcessEnv, home: string): string {
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(configHome, 'autostart');
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  command: LaunchCommand;
  /** `app.setLoginItemSettings` */
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
  autostartFile: string;
  writeFile(path: string, text: string): void;
  removeFile(path: string): void;
}

/** Makes the system start the app at login, or stop doing so. */
export function applyLaunchAtLogin(enabled: boolean, deps: LoginItemDeps): void {
  if (deps.platform === 'linux') {
    if (enabled) deps.writeFile(deps.autostartFile, autostartEntry(deps.command));
    else deps.removeFile(deps.autostartFile);
    return;
  }
  // macOS ignores path and args: it launches the app bundle, and the app tells a login launch itself.
  deps.setLoginItemSettings({ openAtLogin: enabled, path: deps.command.path, args: deps.command.args });
}
