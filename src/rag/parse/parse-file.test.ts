import { describe, expect, it } from 'vitest';
import { parseFile } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

async function errorOf(
  run: () => Promise<unknown>,
): Promise<{ code?: unknown; message?: unknown }> {
  try {
    await run();
  } catch (error) {
    return error as { code?: unknown; message?: unknown };
  }
  throw new Error('expected an error');
}

describe('parseFile', () => {
  it('refuses an empty file and a file of only whitespace', async () => {
    for (const bytes of [new Uint8Array(0), utf8(' \n\n \t ')]) {
      await expect(parseFile(bytes, 'blank.md')).rejects.toMatchObject({
        name: 'AppError',
        code: 'invalid_input',
        message: 'the file is empty',
      });
    }
  });

  it('refuses binary data named like Markdown', async () => {
    const binary = new Uint8Array(512).map((_, i) => (i * 7919 + 13) % 256);
    await expect(parseFile(binary, 'notes.md')).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'looks like binary data, not text (named "notes.md")',
    });
  });

  it('refuses a file over the size limit, naming the size and the limit', async () => {
    const error = await errorOf(() =>
      parseFile(utf8('x'.repeat(3000)), 'big.txt', { maxBytes: 2048 }),
    );
    expect(error).toMatchObject({ code: 'payload_too_large' });
    expect(error.message).toBe('the file is 2.9 KiB, over the limit of 2.0 KiB');
  });

  it('gives exact byte counts when the size and the limit round alike', async () => {
    const error = await errorOf(() =>
      parseFile(utf8('x'.repeat(2049)), 'big.txt', { maxBytes: 2048 }),
    );
    expect(error.message).toBe('the file is 2049 bytes, over the limit of 2048 bytes');
  });

  it('reads text saved as Windows-1252 without replacement characters', async () => {
    const latin1 = new Uint8Array([
      ...utf8('Caf'),
      0xe9,
      ...utf8(' ouvert, '),
      0x80,
      ...utf8('5.'),
    ]);
    const [doc] = await parseFile(latin1, 'menu.txt');
    expect(doc?.blocks).toEqual([{ type: 'paragraph', text: 'Café ouvert, €5.' }]);
  });

  it('reads UTF-16 text with a byte order mark', async () => {
    const text = Buffer.from('\uFEFFHello there, friend.', 'utf16le');
    const [doc] = await parseFile(new Uint8Array(text), 'hello.txt');
    expect(doc?.blocks).toEqual([{ type: 'paragraph', text: 'Hello there, friend.' }]);
  });

  it('stops when the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      parseFile(utf8('Some text.'), 'a.txt', { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('reports a timed-out signal as a timeout', async () => {
    const signal = AbortSignal.timeout(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(parseFile(utf8('Some text.'), 'a.txt', { signal })).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});
