import { lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A path that could not be used, and why, in words. */
export interface PathProblem {
  path: string;
  reason: string;
}

/** A file of a folder that is not an article, and what it is ("image", "style sheet"…). */
export interface SkippedFile {
  path: string;
  kind: string;
}

/** Names never read inside a folder: version control, dependencies, hidden files. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * Files that sit beside the articles of an exported help center (its pictures, styles, scripts,
 * fonts and videos) and are never articles themselves: inside a folder they are skipped, not
 * failed; named on their own they are still read and refused with a reason.
 */
const ASSETS: ReadonlyArray<[kind: string, extensions: string[]]> = [
  [
    'image',
    ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'ico', 'tif', 'tiff', 'svg', 'avif', 'heic'],
  ],
  ['style sheet', ['css', 'scss', 'less']],
  ['script', ['js', 'mjs', 'cjs', 'map', 'ts']],
  ['font', ['woff', 'woff2', 'ttf', 'otf', 'eot']],
  ['audio or video', ['mp3', 'mp4', 'm4a', 'wav', 'ogg', 'webm', 'mov', 'avi', 'mkv']],
];
const ASSET_KIND = new Map(
  ASSETS.flatMap(([kind, extensions]) => extensions.map((e) => [e, kind])),
);

/** What kind of asset a file name says it is, or undefined for anything that may be an article. */
function assetKind(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? ASSET_KIND.get(name.slice(dot + 1).toLowerCase()) : undefined;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'is not readable (permission denied)';
  if (code === 'ENOTDIR') return 'is not a folder';
  return `cannot be read (${(error as Error).message})`;
}

/**
 * The files under `paths`: a file stands for itself, a folder for every file below it
 * (recursively, in name order, hidden entries and symbolic links to folders skipped). Paths
 * that do not exist or cannot be read are reported, not thrown; the pictures, styles, scripts,
 * fonts and videos of a folder are listed as `skipped`.
 */
export async function collectFiles(
  paths: readonly string[],
): Promise<{ files: string[]; problems: PathProblem[]; skipped: SkippedFile[] }> {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  const skipped: SkippedFile[] = [];

  async function visit(path: string, top: boolean): Promise<void> {
    let info;
    try {
      info = top ? await stat(path) : await lstat(path);
    } catch (error) {
      problems.push({ path, reason: describe(error) });
      return;
    }
    const asset = top ? undefined : assetKind(path);
    if (asset !== undefined && !info.isDirectory()) {
      skipped.push({ path, kind: asset });
      return;
    }
    if (info.isFile()) {
      files.push(path);
      return;
    }
    if (info.isSymbolicLink()) {
      // A link to a file is read; a link to a folder could loop, so it is skipped.
      try {
        if ((await stat(path)).isFile()) files.push(path);
      } catch (error) {
        problems.push({ path, reason: `is a broken link (${describe(error)})` });
      }
      return;
    }
    if (!info.isDirectory()) return;
    let entries: string[];
    try {
      entries = (await readdir(path)).sort();
    } catch (error) {
      problems.push({ path, reason: describe(error) });
      return;
    }
    for (const name of entries) {
      if (!ignored(name)) await visit(join(path, name), false);
    }
  }

  for (const path of paths) await visit(resolve(path), true);
  return { files: [...new Set(files)], problems, skipped };
}
