import { access, constants, stat } from 'node:fs/promises';

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
