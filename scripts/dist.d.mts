export function distArchs(platform: NodeJS.Platform, arch: string): string[];
export function resourcesDir(out: string, platform: NodeJS.Platform, arch: string): string;
