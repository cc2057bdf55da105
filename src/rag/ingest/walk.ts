import { lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** A path that could not be used, and why, in words. */
export interface PathProblem {
  path: string;
  reason: string;
}

/** Names never read inside a folder: version control, dependencies, hidden files. */
function ignored(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
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
 * that do not exist or cannot be read are reported, not thrown.
 */
export async function collectFiles(
  paths: readonly string[],
): Promise<{ files: string[]; problems: PathProblem[] }> {
  const files: string[] = [];
  const problems: PathProblem[] = [];

  async function visit(path: string, top: boolean): Promise<void> {
    let info;
    try {
      info = top ? await stat(path) : await lstat(path);
    } catch (error) {
      problems.push({ path, reason: describe(error) });
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
  return { files: [...new Set(files)], problems };
}
