import { describe, expect, it } from 'vitest';
import { shortReplyOf } from './details-only.js';

describe('a message that only gives the customer details', () => {
  it.each([
    // Remembered as "555 123 4567", written with dashes or brackets.
    'my email is jane.doe@example.com and phone 555-123-4567',
    'my phone is (555) 123-4567',
    // What the details are about, and nothing else.
    "It's about order 88123",
    'regarding account 55123',
    're@example.com is my email',
  ])('%j is an introduction', (message) => {
    expect(shortReplyOf(message)).toBe('introduction');
  });

  it.each([
    'Where is order 88123?',
    'what about order 88123',
    'is there news about order 88123?',
    'tell me about returns',
  ])('%j asks something', (message) => {
    expect(shortReplyOf(message)).toBeUndefined();
  });

  it('a greeting with details is a greeting', () => {
    expect(shortReplyOf('hi, regarding order 88123')).toBe('greeting');
  });
});
