import { access, constants, stat, statfs } from 'node:fs/promises';

/** One readiness check, as `GET /ready` and `doctor` report it. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

/** A readiness probe must answer even when a check hangs (a stuck disk or network mount). */
export const READINESS_TIMEOUT_MS = 2_000;

/** `check`, or a failed check when it has not answered within `ms`. */
export function withDeadline(
  name: string,
  check: Promise<ReadinessCheck>,
  ms = READINESS_TIMEOUT_MS,
): Promise<ReadinessCheck> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<ReadinessCheck>((resolve) => {
    timer = setTimeout(() => resolve({ name, ok: false, detail: `no answer within ${ms} ms` }), ms);
  });
  return Promise.race([check, late]).finally(() => clearTimeout(timer));
}

/** Whether `dir` is an existing, writable directory. It creates nothing. */
export async function checkDataDir(dir: string): Promise<ReadinessCheck> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new Error('it is not a directory');
    await access(dir, constants.W_OK);
    return { name: 'data_dir', ok: true, detail: 'writable' };
  } catch (error) {
    return {
      name: 'data_dir',
      ok: false,
      detail: `${dir} is not a writable directory: ${(error as Error).message}`,
    };
  }
}

const MIB = 1024 * 1024;

/** The free space DATA_DIR's disk needs when `DATA_DIR_MIN_FREE_MB` is unset: this much... */
export const DEFAULT_MIN_FREE_BYTES = 100 * MIB;
/** ...or this share of the disk, when that is less (a small volume is not always "full"). */
export const DEFAULT_MIN_FREE_SHARE = 0.01;

/** The free bytes a disk of `totalBytes` needs: `minFreeMb` MiB, or the default. */
export function minFreeBytes(totalBytes: number, minFreeMb: number | undefined): number {
  if (minFreeMb !== undefined) return minFreeMb * MIB;
  return Math.min(DEFAULT_MIN_FREE_BYTES, Math.floor(totalBytes * DEFAULT_MIN_FREE_SHARE));
}

/** `bytes` for an operator: `512 KiB`, `87.3 MiB`, `12.4 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Whether the disk of `dir` has the free space a write needs (what this user may use, not the
 * share kept for root): on a full disk every message fails, so the instance is not ready.
 */
export async function checkDiskSpace(
  dir: string,
  minFreeMb: number | undefined,
): Promise<ReadinessCheck> {
  try {
    const disk = await statfs(dir);
    const free = disk.bavail * disk.bsize;
    const needed = minFreeBytes(disk.blocks * disk.bsize, minFreeMb);
    if (free >= needed) {
      return {
        name: 'disk_space',
        ok: true,
        detail: `${formatBytes(free)} free (at least ${formatBytes(needed)} needed)`,
      };
    }
    return {
      name: 'disk_space',
      ok: false,
      detail: `${formatBytes(free)} free on the disk of ${dir}, below the ${formatBytes(needed)} needed (DATA_DIR_MIN_FREE_MB): messages fail once it is full; free space there`,
    };
  } catch (error) {
    return {
      name: 'disk_space',
      ok: false,
      detail: `cannot read the free space of ${dir}: ${(error as Error).message}`,
    };
  }
}

/**
 * `check`, run at most once at a time and its answer kept for `ms` after it comes: a load
 * balancer that probes often costs one system call a while, and a call that hangs (a stuck
 * mount) is waited on by every probe rather than started again behind it.
 */
export function cachedCheck(
  check: () => Promise<ReadinessCheck>,
  ms = 1_500,
  now: () => number = () => performance.now(),
): () => Promise<ReadinessCheck> {
  let last: Promise<ReadinessCheck> | undefined;
  let settledAt: number | undefined;
  return () => {
    const fresh = last && (settledAt === undefined || now() - settledAt < ms);
    if (fresh && last) return last;
    settledAt = undefined;
    const current = check().finally(() => {
      if (last === current) settledAt = now();
    });
    last = current;
    return current;
  };
}
