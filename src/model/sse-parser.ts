/** An incremental reader of a `text/event-stream` body, as returned by {@link createSseParser}. */
export interface SseParser {
  /** Reads the next piece of the body; returns the `data` of every event it completed. */
  push(text: string): string[];
  /**
   * Ends the body and returns the `data` of an event the body ended in the middle of (its last
   * line unterminated, or no blank line after it), if any. The spec drops such an event; it is
   * returned so that the caller decides — some servers omit the final blank line.
   */
  end(): string[];
}

/** Largest event read, in characters: a chat-completion chunk is a few hundred. */
export const MAX_EVENT_CHARS = 4 * 1024 * 1024;

/**
 * Parses Server-Sent Events as the HTML spec defines them: lines end in `\n`, `\r\n` or `\r`
 * (a `\r\n` may be split across two pieces); a blank line ends an event; `data` lines of one event
 * are joined with `\n`; lines starting with `:` are comments (keep-alives); other fields (`event`,
 * `id`, `retry`) are ignored because the OpenAI protocol does not use them. Pieces may split
 * events and lines anywhere; decoding bytes to text (which may split a character) is the caller's.
 * An event (or a line) longer than `maxEventChars` is not buffered without end: `push` throws a
 * RangeError.
 *
 * @example
 * const parser = createSseParser();
 * parser.push('data: {"a"'); // []
 * parser.push(':1}\n\n');     // ['{"a":1}']
 */
export function createSseParser(options: { maxEventChars?: number } = {}): SseParser {
  const maxEventChars = options.maxEventChars ?? MAX_EVENT_CHARS;
  /** The unterminated last line. It never holds a line break. */
  let pending = '';
  let data: string[] = [];
  /** Characters of `data`, and the line breaks that will join them. */
  let dataChars = 0;
  const tooLong = () => new RangeError(`an event of more than ${maxEventChars} characters`);
  /** The previous piece ended in `\r`: a `\n` starting this one belongs to that line break. */
  let skipNewline = false;

  function readLine(line: string, events: string[]): void {
    if (line === '') {
      if (data.length > 0) events.push(data.join('\n'));
      data = [];
      dataChars = 0;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    const value = colon === -1 ? '' : line.slice(colon + 1);
    const text = value.startsWith(' ') ? value.slice(1) : value;
    dataChars += text.length + 1;
    if (dataChars > maxEventChars + 1) throw tooLong();
    data.push(text);
  }

  return {
    push(text) {
      const events: string[] = [];
      let piece = text;
      if (skipNewline && piece.startsWith('\n')) piece = piece.slice(1);
      skipNewline = false;
      // Only the new text can hold a line break: scanning from the start of `pending` again
      // would make a long line arriving in many small pieces quadratic.
      let scan = pending.length;
      const buffer = pending + piece;
      let start = 0;
      for (; scan < buffer.length; scan++) {
        const char = buffer[scan];
        if (char !== '\n' && char !== '\r') continue;
        readLine(buffer.slice(start, scan), events);
        if (char === '\r') {
          if (scan + 1 === buffer.length) skipNewline = true;
          else if (buffer[scan + 1] === '\n') scan++;
        }
        start = scan + 1;
      }
      pending = buffer.slice(start);
      if (pending.length + dataChars > maxEventChars + 8) throw tooLong();
      return events;
    },
    end() {
      const events: string[] = [];
      if (pending !== '') readLine(pending, events);
      pending = '';
      readLine('', events);
      return events;
    },
  };
}
