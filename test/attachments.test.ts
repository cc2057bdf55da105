import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { SearchResult } from '../src/rag/index.js';
import type { AttachmentSummary } from '../src/tools/index.js';
import { makePdf } from './helpers/documents.js';

let app: App;
beforeEach(() => {
  app = createApp(
    loadConfig({ env: { LOG_LEVEL: 'silent', ATTACHMENT_MAX_FILE_BYTES: '200000' } }),
    {
      databasePath: ':memory:',
    },
  );
});
afterEach(() => app.close());

const invoice = () =>
  makePdf((doc) => {
    doc.fontSize(20).text('Invoice 2026-0042');
    doc
      .fontSize(11)
      .text('The total amount due is 149 euros, payable by bank transfer before March 31.');
  });

describe('attachments', () => {
  it('a PDF attached in session A is searchable in session A, and never in session B', async () => {
    const attached = await app.tools.call<AttachmentSummary[]>(
      'attachments',
      { files: [{ name: 'invoice.pdf', data: await invoice() }] },
      { sessionId: 'A' },
    );
    expect(attached).toMatchObject({ type: 'ok', value: [{ name: 'invoice.pdf', ok: true }] });
    if (attached.type === 'ok')
      expect(attached.value[0]?.preview).toContain('total amount due is 149 euros');

    const ask = (sessionId: string | undefined) =>
      app.tools.call<SearchResult>(
        'kb_search',
        { query: 'what is the total amount due on my invoice?' },
        { sessionId },
      );
    const inA = await ask('A');
    expect(inA.type === 'ok' && inA.value.hits[0]?.source).toBe('attachment:invoice.pdf');
    const inB = await ask('B');
    expect(inB).toMatchObject({ type: 'ok', value: { hits: [] } });
    const outside = await ask(undefined);
    expect(outside).toMatchObject({ type: 'ok', value: { hits: [] } });
  });

  it('keeps two files of one name in one message apart: the second is "name (2)"', async () => {
    const text = (words: string) => new TextEncoder().encode(words);
    const attached = await app.tools.call<AttachmentSummary[]>(
      'attachments',
      {
        files: [
          { name: 'notes.txt', data: text('The parcel arrived with a cracked zeppelin lamp.') },
          { name: 'notes.txt', data: text('The courier left the parcel at a pigeon loft.') },
          { name: 'notes', data: text('A third note without an extension about a walrus.') },
          { name: 'notes', data: text('A fourth note about a narwhal.') },
        ],
      },
      { sessionId: 'N' },
    );
    expect(attached.type === 'ok' && attached.value.map((a) => [a.name, a.ok])).toEqual([
      ['notes.txt', true],
      ['notes (2).txt', true],
      ['notes', true],
      ['notes (2)', true],
    ]);
    for (const [word, source] of [
      ['zeppelin', 'attachment:notes.txt'],
      ['pigeon', 'attachment:notes (2).txt'],
      ['narwhal', 'attachment:notes (2)'],
    ]) {
      const found = await app.tools.call<SearchResult>(
        'kb_search',
        { query: word },
        { sessionId: 'N' },
      );
      expect(found.type === 'ok' && found.value.hits.map((h) => h.source)).toEqual([source]);
    }
  });

  it('reports a file that lies about its type or is too big, and keeps the others', async () => {
    const result = await app.tools.call<AttachmentSummary[]>(
      'attachments',
      {
        files: [
          {
            name: 'photo.pdf',
            data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
          },
          { name: 'big.txt', data: new TextEncoder().encode('word '.repeat(50_000)) },
          { name: 'invoice.pdf', data: await invoice() },
        ],
      },
      { sessionId: 'A' },
    );
    expect(result.type).toBe('ok');
    const byName = Object.fromEntries(
      (result.type === 'ok' ? result.value : []).map((r) => [r.name, r]),
    );
    // A PNG named .pdf is a picture, told as one, whatever its name says.
    expect(byName['photo.pdf']).toMatchObject({ ok: false, problem: 'image' });
    expect(byName['big.txt']).toMatchObject({ ok: false, problem: 'too_large' });
    expect(byName['big.txt']?.error).toMatch(/over the limit/);
    expect(byName['invoice.pdf']).toMatchObject({ ok: true });
  });

  it('refuses a PDF with more text than PARSE_MAX_TEXT_CHARS, and reads one with less', async () => {
    const limited = createApp(
      loadConfig({ env: { LOG_LEVEL: 'silent', PARSE_MAX_TEXT_CHARS: '1024' } }),
      { databasePath: ':memory:' },
    );
    try {
      // 25 characters a sentence: some 900 and 1,200 characters of text.
      const pdfOf = (sentences: number) =>
        makePdf((doc) => doc.text('Parcels leave in 2 days. '.repeat(sentences).trim()));
      const result = await limited.tools.call<AttachmentSummary[]>(
        'attachments',
        {
          files: [
            { name: 'short.pdf', data: await pdfOf(36) },
            { name: 'long.pdf', data: await pdfOf(48) },
          ],
        },
        { sessionId: 'A' },
      );
      expect(result).toMatchObject({
        type: 'ok',
        value: [
          { name: 'short.pdf', ok: true },
          {
            name: 'long.pdf',
            ok: false,
            problem: 'too_large',
            error: 'its text is larger than the 1 KB this service reads from one file',
          },
        ],
      });
    } finally {
      await limited.close();
    }
  });

  it('gives a file the PARSE_TIMEOUT_MS it is configured with, longer than the 50 s of the default', async () => {
    const patient = createApp(
      loadConfig({ env: { LOG_LEVEL: 'silent', PARSE_TIMEOUT_MS: '90000' } }),
      { databasePath: ':memory:' },
    );
    try {
      // The tool's timeout ends the reading of a message, whatever time its files are given: it
      // leaves a file its 90 s, and the files after it some time of their own.
      const attachments = patient.tools.list().find((tool) => tool.name === 'attachments');
      expect(attachments?.policy.timeoutMs).toBeGreaterThanOrEqual(90_000 + 20_000);
      // And the default stays what it was.
      const tool = app.tools.list().find((each) => each.name === 'attachments');
      expect(tool?.policy.timeoutMs).toBe(60_000);
    } finally {
      await patient.close();
    }
  });

  it('starts with the longest PARSE_TIMEOUT_MS, an hour: the tool is given the longest timeout a tool may have', async () => {
    const longest = createApp(
      loadConfig({ env: { LOG_LEVEL: 'silent', PARSE_TIMEOUT_MS: '3600000' } }),
      { databasePath: ':memory:' },
    );
    try {
      const attachments = longest.tools.list().find((tool) => tool.name === 'attachments');
      expect(attachments?.policy.timeoutMs).toBe(600_000);
    } finally {
      await longest.close();
    }
  });
});
