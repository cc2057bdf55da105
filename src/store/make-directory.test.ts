import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from './make-directory.js';

describe('makeDirectory', () => {
  const base = () => mkdtempSync(join(tmpdir(), 'sa-mkdir-'));

  it('makes the folder and the missing ones above it, with the mode given, and accepts one that exists', () => {
    const dir = join(base(), 'a', 'b', 'c');
    makeDirectory(dir, 0o700);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(join(dir, '..')).mode & 0o777).toBe(0o700);
    expect(() => makeDirectory(dir)).not.toThrow();
  });

  it('fails at once where a folder cannot be made: under /proc, under a file, on a file', () => {
    // Node's own recursive mkdir never returns for this path.
    expect(() => makeDirectory('/proc/support-agent/data')).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    const file = join(base(), 'file');
    writeFileSync(file, '');
    expect(() => makeDirectory(join(file, 'data'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
    expect(() => makeDirectory(file)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
  });
});
