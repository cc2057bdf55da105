import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates the folder `path` and the folders above it that are missing, as `mkdir -p` does, and
 * fails at once where that cannot be done. Node's own `mkdir(…, { recursive: true })` never
 * returns for a path under `/proc` (or under a symbolic link to nothing): the kernel answers
 * ENOENT for a folder whose parent exists, and Node takes that to mean the parent is missing,
 * creates it (EEXIST) and tries again, forever. Here each missing folder is made once, from the
 * nearest one that exists down, and the first error is thrown.
 *
 * @throws the file system's error (ENOENT, EACCES, ENOTDIR, EEXIST for a file in the way …).
 */
export function makeDirectory(path: string, mode = 0o777): void {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const found = statSync(current, { throwIfNoEntry: false });
    if (found) {
      if (!found.isDirectory()) {
        const code = missing.length === 0 ? 'EEXIST' : 'ENOTDIR';
        const what = code === 'EEXIST' ? 'file already exists' : 'not a directory';
        throw Object.assign(new Error(`${code}: ${what}, mkdir '${resolve(path)}'`), {
          code,
          path: current,
        });
      }
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      // Made meanwhile by another process: as good as made here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
