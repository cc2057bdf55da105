import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from './redact.js';

// A request id as `randomUUID()` makes them, whose middle groups happen to be all digits.
const DIGITS_UUID = 'bb2536cb-4123-4567-8901-d74918e33971';

describe('redaction', () => {
  it("redacts a URL's user name and password, and keeps its host", () => {
    expect(
      redactText('fetch failed: http://user:sekrit@10.1.2.3:8000/v1/chat/completions?x=1'),
    ).toBe('fetch failed: http://[redacted]@10.1.2.3:8000/v1/chat/completions?x=1');
    expect(redactText('https://example.com/a@b')).toBe('https://example.com/a@b');
  });

  it('redacts phone numbers in text, international and North American', () => {
    expect(redactText('call me on 415-555-0132 please')).toBe('call me on [redacted phone] please');
    expect(redactText('my number is +44 20 7946 0958')).toBe('my number is [redacted phone]');
    expect(redactText('(415) 555-0132')).toBe('[redacted phone]');
  });

  it('leaves a UUID whose middle groups are digits whole, in text and under an id key', () => {
    expect(redactText(`request ${DIGITS_UUID} failed`)).toBe(`request ${DIGITS_UUID} failed`);
    expect(
      redactValue({
        requestId: DIGITS_UUID,
        sessionId: DIGITS_UUID,
        traceId: 'abc',
        id: DIGITS_UUID,
      }),
    ).toEqual({ requestId: DIGITS_UUID, sessionId: DIGITS_UUID, traceId: 'abc', id: DIGITS_UUID });
  });

  it('keeps IPv4 addresses whole, in text and under any key', () => {
    for (const ip of ['192.168.100.200', '100.100.100.100', '10.200.300.400']) {
      expect(redactText(`connect ECONNREFUSED ${ip}:6379`)).toBe(`connect ECONNREFUSED ${ip}:6379`);
      expect(redactValue({ ip })).toEqual({ ip });
    }
    expect(redactText('call 415.555.0132.')).toBe('call [redacted phone].');
  });

  it('still redacts a phone number under any other key', () => {
    expect(redactValue({ note: 'ring 415-555-0132', phone: '12345' })).toEqual({
      note: 'ring [redacted phone]',
      phone: '[redacted]',
    });
  });
});

describe('card numbers, secret query values and the admin key', () => {
  it('redacts a card number as one, keeping at most its last four digits', () => {
    for (const written of ['4111 1111 1111 1111', '4111-1111-1111-1111', '4111111111111111']) {
      expect(redactText(`card ${written} declined`)).toBe(
        'card [redacted card ending 1111] declined',
      );
    }
    // A mistyped one (no Luhn check) and a 15-digit one in groups of 4-6-5.
    expect(redactText('card 4111 1111 1111 1112')).toBe('card [redacted card ending 1112]');
    expect(redactText('amex 3782 822463 10005.')).toBe('amex [redacted card ending 0005].');
    // Neither a UUID's groups nor a phone number nor a long id inside a word.
    expect(redactText(`request ${DIGITS_UUID}`)).toBe(`request ${DIGITS_UUID}`);
    expect(redactText('call +44 20 7946 0958')).toBe('call [redacted phone]');
    expect(redactText('call +49 30 1234 56789')).not.toContain('card');
    expect(redactText('order ORD4111111111111111')).toBe('order ORD4111111111111111');
  });

  it('redacts the value of token=, access_token=, key= and the like, in a URL or text', () => {
    expect(redactText('GET /v1/sessions/abc/ws?token=Zm9vYmFyYmF6cXV4&x=1')).toBe(
      'GET /v1/sessions/abc/ws?token=[redacted]&x=1',
    );
    expect(redactText('https://h/cb?access_token=abc.def&refresh_token=ghi')).toBe(
      'https://h/cb?access_token=[redacted]&refresh_token=[redacted]',
    );
    expect(redactText('url /x?api-key=k123456&sig=s3cr3t#top')).toBe(
      'url /x?api-key=[redacted]&sig=[redacted]#top',
    );
    expect(redactText('?page=2&sort=asc')).toBe('?page=2&sort=asc');
  });

  it('redacts an admin key as serve generates it', () => {
    const key = 'sa_admin_' + 'Qm9keS1vZi1hLWtleS1mb3ItdGVzdHM';
    expect(redactText(`Authorization with ${key} refused`)).toBe(
      'Authorization with [redacted key] refused',
    );
  });
});

describe('errors', () => {
  it('keep their class, code, own fields and causes, redacted', () => {
    class DriverError extends Error {
      severity = 'FATAL';
    }
    const driver = Object.assign(new DriverError('read ECONNRESET from 415-555-0132'), {
      code: 'ECONNRESET',
      errno: -104,
      password: 'hunter2',
    });
    const middle = new Error('PostgreSQL at db:5432/app is unavailable', { cause: driver });
    class AppLike extends Error {
      code = 'upstream_unavailable';
      retryable = true;
    }
    const top = new AppLike('The database is unavailable', { cause: middle });
    const out = redactValue({ err: top }) as { err: Record<string, unknown> };
    expect(out.err).toMatchObject({
      type: 'AppLike',
      message: 'The database is unavailable',
      code: 'upstream_unavailable',
      retryable: true,
      cause: {
        type: 'Error',
        message: 'PostgreSQL at db:5432/app is unavailable',
        cause: {
          type: 'DriverError',
          message: 'read ECONNRESET from [redacted phone]',
          code: 'ECONNRESET',
          errno: -104,
          severity: 'FATAL',
          password: '[redacted]',
        },
      },
    });
    expect(String(out.err.stack)).toContain('The database is unavailable');
    expect(JSON.stringify(out)).not.toMatch(/hunter2|555-0132/);
  });

  it('follow a cycle of causes and a long chain only so far', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(JSON.stringify(redactValue(a))).toContain('[circular]');
    let chain: Error = new Error('root');
    for (let i = 0; i < 20; i++) chain = new Error(`level ${i}`, { cause: chain });
    const text = JSON.stringify(redactValue(chain));
    expect(text).toContain('[more causes]');
    expect(text).not.toContain('root');
  });
});
