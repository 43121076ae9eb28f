export interface ElectronInfo {
  dir: string;
  version: string;
  abi: number | null;
}
export function electronInfo(root: string): ElectronInfo | null;
export function electronBinaryPath(
  electronDir: string,
  env?: NodeJS.ProcessEnv,
  exists?: (path: string) => boolean,
  read?: (path: string) => string,
): string | null;
export function electronNativeBinding(root: string, arch?: string): string;
export function moduleVersionOf(bytes: Uint8Array): number | null;
export interface RebuildStamp {
  electron: string;
  betterSqlite3: string;
  abi: number | null;
  arch: string;
  platform: string;
}
export function needsRebuild(stamp: RebuildStamp | null, current: RebuildStamp, binaryExists: boolean): boolean;
export function rebuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
