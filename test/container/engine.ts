/**
 * The container engine the image test drives, and whether it can run here at all. podman
 * is the one this test knows how to connect to the fake upstream: its slirp4netns network
 * maps the host's loopback to 10.0.2.2 inside the container, so the fake stays on
 * 127.0.0.1 while the proxy is reached only through a port published on 127.0.0.1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The name the Dockerfile builds FROM; a local stand-in is built when it is missing. */
export const BASE_IMAGE = 'docker.io/library/node:20-slim';
/** Inside a slirp4netns network with allow_host_loopback: the host's 127.0.0.1. */
export const HOST_LOOPBACK_FROM_CONTAINER = '10.0.2.2';

/**
 * podman reads this instead of /etc/containers/containers.conf (runc, cgroupfs, no default
 * ulimits: what this sandbox allows). A CONTAINERS_CONF set by the user wins.
 */
export const ENGINE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? `${ROOT}scripts/container/containers.conf`,
};

function quiet(cmd: string, args: string[]): { ok: boolean; missing: boolean; out: string } {
  const r = spawnSync(cmd, args, { env: ENGINE_ENV, encoding: 'utf8', timeout: 60_000 });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { ok: r.status === 0, missing, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** null when podman can build and run here; otherwise why the image test is skipped. */
export function whyNoEngine(): string | null {
  if (process.platform !== 'linux') return `containers are tested on Linux only (this is ${process.platform})`;
  // Rootful podman: the volume's files are then the container user's own uid on the host,
  // and debootstrap (for the base image) needs root anyway.
  if (process.getuid?.() !== 0) return 'the image test drives rootful podman and must run as root';
  const info = quiet('podman', ['info', '--format', '{{.Host.Slirp4NetNS.Executable}}']);
  if (!info.ok) {
    if (quiet('docker', ['info', '--format', '{{.ServerVersion}}']).ok) {
      return 'only Docker runs here; the image test drives podman, whose slirp4netns reaches the fake upstream on host loopback';
    }
    const first = info.out.split('\n')[0] ?? '';
    // podman's errors are logrus lines: the msg="..." part is the reason.
    return info.missing ? 'no container engine: podman is not installed' : `podman cannot run: ${/msg="([^"]*)"/.exec(first)?.[1] ?? first}`;
  }
  if (info.out === '') return 'podman has no slirp4netns (apt-get install slirp4netns)';
  if (!quiet('podman', ['image', 'exists', BASE_IMAGE]).ok && quiet('debootstrap', ['--version']).missing) {
    return `no ${BASE_IMAGE} image and no debootstrap to build its stand-in (apt-get install debootstrap)`;
  }
  return null;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the engine (or any command); rejects with its output unless it exits 0 or `allowFail`. */
export function run(cmd: string, args: string[], options: { allowFail?: boolean; log?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: ENGINE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = options.log ? createWriteStream(options.log, { flags: 'a' }) : null;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
      log?.write(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
      log?.write(c);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      log?.end();
      const result = { code: code ?? -1, stdout: stdout.trim(), stderr: stderr.trim() };
      if (result.code === 0 || options.allowFail) resolve(result);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${result.code}\n${(stderr || stdout).slice(-4000)}`));
    });
  });
}
