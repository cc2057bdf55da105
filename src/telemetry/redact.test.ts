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

  it('still redacts a phone number under any other key', () => {
    expect(redactValue({ note: 'ring 415-555-0132', phone: '12345' })).toEqual({
      note: 'ring [redacted phone]',
      phone: '[redacted]',
    });
  });
});
