import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/index.js';
import { captureLogs } from '../testing/index.js';
import { createLogger } from './logger.js';

describe('logged errors', () => {
  it('keep their class, code and cause, redacted, whichever way they are passed', () => {
    const logs = captureLogs();
    const log = createLogger({ level: 'info', destination: logs.stream });
    const driver = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
      code: 'ECONNREFUSED',
    });
    const error = new AppError('upstream_unavailable', 'PostgreSQL at db:5432/app is unavailable', {
      retryable: true,
      cause: driver,
    });
    log.error({ err: error }, 'request failed');
    log.error(error, 'for jane@example.com');
    expect(logs.lines).toHaveLength(2);
    for (const line of logs.lines) {
      expect(line.err).toMatchObject({
        type: 'AppError',
        code: 'upstream_unavailable',
        message: 'PostgreSQL at db:5432/app is unavailable',
        retryable: true,
        cause: { type: 'Error', code: 'ECONNREFUSED', message: driver.message },
      });
      expect(String((line.err as { stack: string }).stack)).toContain('logger.test.ts');
    }
    expect(logs.lines[1]?.msg).toBe('for [redacted email]');
  });
});
