export const PACKAGED_MAIN: string;
export const REQUIRED_FILES: string[];
export function unpackedFiles(arch: string): string[];
export interface PackageListing {
  files: string[];
  isUnpacked(path: string): boolean;
  packageJson: unknown;
}
export function packageProblems(pkg: PackageListing, expected: { arch: string; devDependencies: string[] }): string[];
export function readAppAsar(asarPath: string): PackageListing;
export function sizeOnDisk(path: string): number;
export function describeSize(asarBytes: number, unpackedBytes: number, fileCount: number): string;
