import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse-parser.js';

/** Feeds `body` to a new parser in pieces of `size` characters; returns every event's data. */
function parseInPieces(body: string, size: number): string[] {
  const parser = createSseParser();
  const events: string[] = [];
  for (let i = 0; i < body.length; i += size) events.push(...parser.push(body.slice(i, i + size)));
  return [...events, ...parser.end()];
}

describe('createSseParser', () => {
  const body =
    ': keep-alive\n\n' +
    'data: {"n":1}\n\n' +
    'event: message\nid: 7\nretry: 100\ndata: {"n":2}\n\n' +
    'data:{"n":3}\n\n' +
    'data: line one\ndata: line two\n\n' +
    'data: [DONE]\n\n';
  const expected = ['{"n":1}', '{"n":2}', '{"n":3}', 'line one\nline two', '[DONE]'];

  it('reads data of whole events, skipping comments and other fields', () => {
    expect(parseInPieces(body, body.length)).toEqual(expected);
  });

  it('gives the same events however the body is split, with \\n, \\r\\n or \\r line ends', () => {
    for (const ending of ['\n', '\r\n', '\r']) {
      const text = body.replaceAll('\n', ending);
      for (const size of [1, 2, 3, 7, 64]) {
        expect(parseInPieces(text, size), `${JSON.stringify(ending)} in ${size}s`).toEqual(
          expected,
        );
      }
    }
  });

  it('emits an event only at its blank line, and leaves an unfinished one to end()', () => {
    const parser = createSseParser();
    expect(parser.push('data: {"a"')).toEqual([]);
    expect(parser.push(':1}\n')).toEqual([]);
    expect(parser.push('\ndata: [DONE]')).toEqual(['{"a":1}']);
    expect(parser.end()).toEqual(['[DONE]']);
    expect(parser.end()).toEqual([]);
  });

  it('ignores blank lines that end no event', () => {
    expect(parseInPieces('\n\n\r\n: ping\n\n\n', 2)).toEqual([]);
  });

  it('refuses to buffer an event or a line longer than its limit', () => {
    const limited = () => createSseParser({ maxEventChars: 10 });
    // At the limit, whole.
    expect(limited().push('data: 0123456789\n\n')).toEqual(['0123456789']);
    expect(limited().push('data: 01234\ndata: 1234\n\n')).toEqual(['01234\n1234']);
    // Over it: in one line, in several data lines of one event, or in a line that never ends.
    expect(() => limited().push('data: 0123456789a\n\n')).toThrow(RangeError);
    expect(() => limited().push('data: 012345\ndata: 12345\n')).toThrow(
      'an event of more than 10 characters',
    );
    const endless = limited();
    expect(() => {
      for (let i = 0; i < 100; i++) endless.push('xx');
    }).toThrow(RangeError);
    // Separate events each within it are fine however many.
    const many = limited();
    for (let i = 0; i < 1000; i++) expect(many.push('data: 0123456789\n\n')).toHaveLength(1);
  });
});
